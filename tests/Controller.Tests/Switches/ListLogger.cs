using Microsoft.Extensions.Logging;

namespace Controller.Tests.Switches;

/// <summary>A logger that keeps every entry (event id, level, formatted text) for assertions.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<(EventId Id, LogLevel Level, string Text)> _entries = [];

    public IReadOnlyList<(EventId Id, LogLevel Level, string Text)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (_entries)
        {
            _entries.Add((eventId, logLevel, formatter(state, exception)));
        }
    }
}
