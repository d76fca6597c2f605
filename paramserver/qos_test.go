package paramserver

import (
	"strings"
	"testing"

	"webcam/rclx"
	"webcam/rosparam"
)

var testTopics = []string{"/cam/image_raw", "/cam/image_raw/compressed", "/cam/camera_info"}

var testDefault = rclx.QoS{Reliability: rclx.Reliable, Durability: rclx.Volatile, History: rclx.KeepLast, Depth: 2}

func qosTable(t *testing.T, overrides map[string]rosparam.Value) (*rosparam.Table, error) {
	t.Helper()
	tab, err := rosparam.NewTable(QoSOverrideSpecs(testTopics, testDefault))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Load(overrides)
	return tab, err
}

func TestQoSOverrideNamesAreRclcpps(t *testing.T) {
	tab, _ := qosTable(t, nil)
	want := []string{
		"qos_overrides./cam/camera_info.publisher.depth",
		"qos_overrides./cam/camera_info.publisher.durability",
		"qos_overrides./cam/camera_info.publisher.history",
		"qos_overrides./cam/camera_info.publisher.reliability",
		"qos_overrides./cam/image_raw.publisher.depth",
		"qos_overrides./cam/image_raw.publisher.durability",
		"qos_overrides./cam/image_raw.publisher.history",
		"qos_overrides./cam/image_raw.publisher.reliability",
		"qos_overrides./cam/image_raw/compressed.publisher.depth",
		"qos_overrides./cam/image_raw/compressed.publisher.durability",
		"qos_overrides./cam/image_raw/compressed.publisher.history",
		"qos_overrides./cam/image_raw/compressed.publisher.reliability",
	}
	if got := tab.Names(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("names:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, n := range want {
		s, _ := tab.Spec(n)
		if !s.ReadOnly {
			t.Errorf("%s must be read-only, as in rclcpp", n)
		}
		if !strings.HasPrefix(s.Description, "qos policy {") {
			t.Errorf("%s: description %q", n, s.Description)
		}
	}
}

func TestPublisherQoS(t *testing.T) {
	const img = "qos_overrides./cam/image_raw.publisher."
	cases := []struct {
		name      string
		overrides map[string]rosparam.Value
		want      rclx.QoS
		wantErr   string
	}{
		{"defaults", nil, testDefault, ""},
		{"sensor data", map[string]rosparam.Value{img + "reliability": rosparam.String("best_effort"), img + "depth": rosparam.Int(5)},
			rclx.QoS{Reliability: rclx.BestEffort, Durability: rclx.Volatile, History: rclx.KeepLast, Depth: 5}, ""},
		{"latched", map[string]rosparam.Value{img + "durability": rosparam.String("transient_local"), img + "history": rosparam.String("keep_all")},
			rclx.QoS{Reliability: rclx.Reliable, Durability: rclx.TransientLocal, History: rclx.KeepAll, Depth: 2}, ""},
		{"system defaults", map[string]rosparam.Value{img + "reliability": rosparam.String("system_default"), img + "durability": rosparam.String("system_default"), img + "history": rosparam.String("system_default")},
			rclx.QoS{Reliability: rclx.ReliabilityDefault, Durability: rclx.DurabilitySysDefault, History: rclx.HistorySysDefault, Depth: 2}, ""},
		{"misspelt reliability", map[string]rosparam.Value{img + "reliability": rosparam.String("besteffort")}, rclx.QoS{}, "reliable, best_effort, system_default"},
		{"zero depth", map[string]rosparam.Value{img + "depth": rosparam.Int(0)}, rclx.QoS{}, "1..10000"},
		{"depth as string", map[string]rosparam.Value{img + "depth": rosparam.String("5")}, rclx.QoS{}, "is of type integer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab, err := qosTable(t, c.overrides)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if q := PublisherQoS(tab, "/cam/image_raw"); q != c.want {
				t.Fatalf("got %s, want %s", q, c.want)
			}
			if other := PublisherQoS(tab, "/cam/camera_info"); other.String() != "reliable, volatile, keep_last 2" {
				t.Fatalf("another topic's QoS changed: %s", other)
			}
		})
	}
}
