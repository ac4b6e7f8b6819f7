// %% [markdown]
// # Percent script
//
// Two cells of Go, one of text.

// %%
x := 1 + 1
x

// %% Training loop
for i := 0; i < 3; i++ {
	// %%% an escaped marker-like comment
	fmt.Println(i)
}

// %% [raw]
// raw line
