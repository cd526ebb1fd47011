using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Flotilla.LocalCluster.Tests.Support;

/// <summary>Keeps every log entry at or above a level, for tests that check what the runtime complained about.</summary>
internal sealed class CollectingLoggerFactory(LogLevel minimum = LogLevel.Warning) : ILoggerFactory
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public LogLevel Minimum { get; } = minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " -- " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
