package two

// C uses a.go's A and b.go's field.
func C() int { return A().n }
