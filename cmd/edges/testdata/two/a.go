package two

// A uses b's type and function, and its own helper.
func A() T { return helper(b()) }

func helper(t T) T { return t }
