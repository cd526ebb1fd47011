using System.Collections.Concurrent;
using System.Collections.Immutable;
using Flotilla.Runtime.Controllers;
using Microsoft.Extensions.Logging;

namespace Flotilla.Runtime.Tests.Controllers;

internal sealed class DelegateReconciler<TKey>(Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile) : IReconciler<TKey>
{
    public Task<ReconcileResult> ReconcileAsync(TKey key, CancellationToken cancellationToken) => reconcile(key, cancellationToken);
}

internal sealed record LogEntry(LogLevel Level, string Message, Exception? Exception, ImmutableList<object?> Scopes)
{
    /// <summary>The structured properties of every scope the entry was logged in.</summary>
    public IReadOnlyDictionary<string, object?> ScopeProperties =>
        Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(scope => scope).ToDictionary(pair => pair.Key, pair => pair.Value);
}

/// <summary>Records every log entry with the scopes it was written in.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly AsyncLocal<ImmutableList<object?>> _scopes = new();

    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            var outer = owner._scopes.Value ?? [];
            owner._scopes.Value = outer.Add(state);
            return new Scope(() => owner._scopes.Value = outer);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new LogEntry(logLevel, formatter(state, exception), exception, owner._scopes.Value ?? []));
    }

    private sealed class Scope(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}
