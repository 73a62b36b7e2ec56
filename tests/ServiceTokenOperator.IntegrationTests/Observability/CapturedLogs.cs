using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ServiceTokenOperator.IntegrationTests.Observability;

/// <summary>Every log line at every level, with its structured state, scopes and exception, as text to search.</summary>
internal sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder($"{logLevel} {category} {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> fields)
                foreach (var (key, value) in fields) line.Append($" {key}={value}");
            owner._scopes.ForEachScope((scope, builder) => builder.Append($" scope={scope}"), line);
            if (exception is not null) line.Append(' ').Append(exception);
            owner.Lines.Enqueue(line.ToString());
        }
    }
}
