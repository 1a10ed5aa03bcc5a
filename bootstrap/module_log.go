package bootstrap

import (
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// logModule provides the zap logger and its slog bridge, and makes fx log
// through zap at debug level. fx.WithLogger must sit at the top level of
// the app (inside a module it only covers that module).
var logModule = fx.Options(
	fx.Module("log", fx.Provide(NewLogger, NewSlog)),
	fx.WithLogger(func(l *zap.Logger) fxevent.Logger {
		z := &fxevent.ZapLogger{Logger: l.Named("fx")}
		z.UseLogLevel(zapcore.DebugLevel)
		return z
	}),
)
