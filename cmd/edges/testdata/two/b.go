package two

// T is used by a.go.
type T struct{ n int }

func b() T { return T{n: 1} }
