namespace Controller.Switches;

/// <summary>
/// A per-switch budget for log lines: at most <see cref="Burst"/> lines per <see cref="Window"/>;
/// the rest are counted, and the first line allowed after a suppression is preceded by one summary
/// line saying how many were dropped. An OFPT_ERROR or decode-failure flood so costs a few lines per
/// window instead of one per message. Thread-safe (sessions log from their loop and from senders).
/// </summary>
public sealed class LogLimiter
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _windowStart;
    private int _used;
    private long _suppressed;
    private long _suppressedTotal;

    public LogLimiter(int burst, TimeSpan window, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        Burst = burst;
        Window = window;
        _time = time ?? TimeProvider.System;
        _windowStart = _time.GetTimestamp();
    }

    public int Burst { get; }

    public TimeSpan Window { get; }

    /// <summary>Lines suppressed over the limiter's lifetime.</summary>
    public long SuppressedTotal
    {
        get
        {
            lock (_lock)
            {
                return _suppressedTotal;
            }
        }
    }

    /// <summary>
    /// True when the caller may write its line. <paramref name="suppressedBefore"/> is the number of
    /// lines dropped since the last allowed one (log a summary first when it is not 0).
    /// </summary>
    public bool TryAcquire(out long suppressedBefore)
    {
        lock (_lock)
        {
            if (_time.GetElapsedTime(_windowStart) >= Window)
            {
                _windowStart = _time.GetTimestamp();
                _used = 0;
            }

            if (_used < Burst)
            {
                _used++;
                suppressedBefore = _suppressed;
                _suppressed = 0;
                return true;
            }

            _suppressed++;
            _suppressedTotal++;
            suppressedBefore = 0;
            return false;
        }
    }

    /// <summary>Takes the count of lines suppressed since the last allowed one (for a final summary on close).</summary>
    public long TakeSuppressed()
    {
        lock (_lock)
        {
            var n = _suppressed;
            _suppressed = 0;
            return n;
        }
    }
}
