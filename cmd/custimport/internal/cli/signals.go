package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// notifySignals: the first SIGINT/SIGTERM cancels ctx (stop taking rows,
// finish what is in flight, write the results); the second cancels abort
// (give up on requests in flight); the third exits at once. The notices
// are withSignals', written the run's way (JSON records with
// --log-format json).
func notifySignals(parent context.Context) (context.Context, context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	abort, cancelAbort := context.WithCancel(context.WithoutCancel(parent))
	ch := make(chan os.Signal, 3)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case <-ch:
				n++
				switch n {
				case 1:
					cancel() // withSignals tells the user
				case 2:
					cancelAbort()
				default:
					os.Exit(ExitCantRun)
				}
			case <-done:
				return
			}
		}
	}()
	return ctx, abort, func() {
		signal.Stop(ch)
		close(done)
		cancel()
		cancelAbort()
	}
}
