package bootstrap

import (
	"strings"
	"testing"
	"time"
)

func TestLoadConfigQueueSettings(t *testing.T) {
	c, err := LoadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.QueueStream != "bankflow:jobs" || c.QueueVisibility != 5*time.Minute || c.TestProcessDelay != 0 {
		t.Fatalf("defaults: stream %q, visibility %v, test delay %v", c.QueueStream, c.QueueVisibility, c.TestProcessDelay)
	}
	c, err = LoadConfig(env(map[string]string{
		"BANKFLOW_QUEUE_STREAM":       "bankflow:e2e:1",
		"BANKFLOW_QUEUE_VISIBILITY":   "2s",
		"BANKFLOW_TEST_PROCESS_DELAY": "1500ms",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.QueueStream != "bankflow:e2e:1" || c.QueueVisibility != 2*time.Second || c.TestProcessDelay != 1500*time.Millisecond {
		t.Fatalf("overrides: stream %q, visibility %v, test delay %v", c.QueueStream, c.QueueVisibility, c.TestProcessDelay)
	}
	for _, name := range []string{"BANKFLOW_QUEUE_VISIBILITY", "BANKFLOW_TEST_PROCESS_DELAY"} {
		_, err := LoadConfig(env(map[string]string{name: "0s"}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=0s: want an error naming it, got %v", name, err)
		}
	}
}
