package e2e

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// cli runs the real binary with env (and stdin) and returns its exit code
// and output.
func cli(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = childEnv(env)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run bankflow %v: %v", args, err)
	}
	return code, out.String(), errOut.String()
}

// TestMigrateAndCreateAdmin is how an operator starts a production install:
// `bankflow migrate`, then `bankflow user create --admin` with the password
// on standard input; the admin can then sign in to the running service.
func TestMigrateAndCreateAdmin(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir()}
	if code, out, errOut := cli(t, env, "", "migrate"); code != 0 || !strings.Contains(out, "atualizado") {
		t.Fatalf("migrate: exit %d, %q %q", code, out, errOut)
	}
	if code, _, _ := cli(t, env, "", "migrate", "extra"); code != 2 {
		t.Errorf("migrate with an argument: exit %d, want 2", code)
	}
	code, out, errOut := cli(t, env, "senha-do-admin-1\n", "user", "create", "--email", "Admin@Escritorio.com.br", "--name", "Admin", "--admin")
	if code != 0 || !strings.Contains(out, "admin@escritorio.com.br") || !strings.Contains(out, "admin") {
		t.Fatalf("user create: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := cli(t, env, "outra-senha-123\n", "user", "create", "--email", "admin@escritorio.com.br", "--name", "Outro"); code != 1 || !strings.Contains(errOut, "já está cadastrado") {
		t.Errorf("duplicate e-mail: exit %d, %q; want 1 with the reason", code, errOut)
	}
	if code, _, errOut := cli(t, env, "curta\n", "user", "create", "--email", "b@escritorio.com.br", "--name", "B"); code != 1 || !strings.Contains(errOut, "8 caracteres") {
		t.Errorf("weak password: exit %d, %q; want 1 with the policy", code, errOut)
	}
	if code, _, _ := cli(t, env, "x\n", "user", "create", "--name", "Sem e-mail"); code != 2 {
		t.Errorf("missing --email: exit %d, want 2", code)
	}

	srv := startServer(t, env)
	c := newClient(t, srv.URL)
	status, body := c.postJSON("/api/v1/auth/login", map[string]string{"email": "admin@escritorio.com.br", "password": "senha-do-admin-1"})
	if status != 200 {
		t.Fatalf("the admin created on the command line cannot sign in: %d %s", status, body)
	}
	var login struct {
		User struct {
			Role string `json:"role"`
		} `json:"user"`
	}
	if err := json.Unmarshal(body, &login); err != nil || login.User.Role != "admin" {
		t.Fatalf("login answer %s (%v): want role admin", body, err)
	}
}
