// Package stream runs a capture source in one goroutine and hands the newest
// frame to any number of consumers without ever waiting for them.
//
// Runner owns the device: it opens the source, reads frames, stamps their
// sequence numbers, reopens with backoff when the source fails, and publishes
// each frame to a Latest. Consumers (ROS publishers, HTTP viewers) each wait on
// the Latest for a frame newer than the one they handled; a consumer that is
// slow simply skips frames, and nothing queues. Latest holds a reference to
// the newest frame and gives each consumer its own (Next, Acquire), which
// the consumer releases when done: a pooled frame buffer is recycled only
// after everyone has let go of it.
package stream
