using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ServiceTokenOperator.IntegrationTests.Providers.Akka;

/// <summary>Keeps every formatted log message, to prove no secret is ever logged.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory, ILogger
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Messages.Enqueue(formatter(state, exception) + " " + exception);

    public void Dispose()
    {
    }
}
