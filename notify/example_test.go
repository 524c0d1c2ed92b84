package notify

import "fmt"

func ExampleSign() {
	body := []byte(`{"type":"Feature"}`)
	fmt.Println(Sign("secret", body))
	// Output: sha256=e7d88e3fc0fc3782018606f1fde19f1f669a001b80c2648585a5e1c41a455411
}
