using System.Collections.Concurrent;
using System.Diagnostics;
using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>
/// Xid tracking: requests wait for their replies (single, multipart, or the errors of a batch
/// collected up to its barrier) in <c>_pending</c>, bounded in time by OpenFlow:RequestTimeout.
/// </summary>
internal sealed partial class SwitchSession
{
    private readonly ConcurrentDictionary<uint, Pending> _pending = new();
    private uint _xid;

    private enum PendingKind
    {
        Single,
        Multipart,
        Collect,
    }

    public uint NextXid()
    {
        uint x;
        do
        {
            x = Interlocked.Increment(ref _xid);
        }
        while (x == 0);
        return x;
    }

    public async Task<IReadOnlyList<ErrorMessage>> SendWithBarrierAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var collect = new Pending(PendingKind.Collect);
        var assigned = new OfpMessage[messages.Count];
        var registered = new List<uint>(messages.Count);
        for (var i = 0; i < assigned.Length; i++)
        {
            var m = messages[i];
            assigned[i] = m.Xid == 0 ? m with { Xid = NextXid() } : m;
            if (_pending.TryAdd(assigned[i].Xid, collect))
            {
                registered.Add(assigned[i].Xid);
            }
        }

        try
        {
            await SendAsync(assigned, cancellationToken).ConfigureAwait(false);
            await BarrierAsync(cancellationToken).ConfigureAwait(false);
            lock (collect)
            {
                return collect.Parts is null ? [] : [.. collect.Parts.Cast<ErrorMessage>()];
            }
        }
        finally
        {
            foreach (var xid in registered)
            {
                _pending.TryRemove(new KeyValuePair<uint, Pending>(xid, collect));
            }
        }
    }

    public async Task<T> RequestAsync<T>(OfpMessage request, CancellationToken cancellationToken = default)
        where T : OfpMessage
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request is MultipartRequest)
        {
            throw new InvalidOperationException("Use RequestMultipartAsync for multipart requests (replies come in parts).");
        }

        var replies = await RequestCoreAsync(request, PendingKind.Single, cancellationToken).ConfigureAwait(false);
        return replies[0] as T
            ?? throw new InvalidDataException($"expected {typeof(T).Name} from switch {DatapathId}, got {replies[0].Type}");
    }

    public async Task<IReadOnlyList<MultipartReply>> RequestMultipartAsync(MultipartRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var replies = await RequestCoreAsync(request, PendingKind.Multipart, cancellationToken).ConfigureAwait(false);
        return [.. replies.Cast<MultipartReply>()];
    }

    public async Task BarrierAsync(CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        await RequestAsync<BarrierReply>(new BarrierRequest(), cancellationToken).ConfigureAwait(false);
        _metrics.BarrierLatency(Stopwatch.GetElapsedTime(start));
    }

    public async Task<IReadOnlyList<FlowStats>> DumpFlowsAsync(byte tableId, ulong cookie, ulong cookieMask, CancellationToken cancellationToken = default)
    {
        var parts = await RequestMultipartAsync(
            new MultipartRequest { Body = new FlowStatsRequest { TableId = tableId, Cookie = new OpenFlow.Cookie(cookie), CookieMask = cookieMask } },
            cancellationToken).ConfigureAwait(false);
        var flows = new List<FlowStats>();
        foreach (var part in parts)
        {
            if (part.Body is FlowStatsReply f)
            {
                flows.AddRange(f.Flows);
            }
        }

        return flows;
    }

    private async Task<IReadOnlyList<OfpMessage>> RequestCoreAsync(OfpMessage request, PendingKind kind, CancellationToken cancellationToken)
    {
        var channel = ActiveChannel();
        EnsureMayWrite([request]);
        var xid = NextXid();
        var m = request with { Xid = xid };
        var p = new Pending(kind);
        _pending[xid] = p;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        using var registration = timeout.Token.Register(() =>
        {
            if (_pending.TryRemove(new KeyValuePair<uint, Pending>(xid, p)))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    p.Tcs.TrySetCanceled(cancellationToken);
                }
                else
                {
                    _metrics.Error(OpenFlowErrorKind.RequestTimeout);
                    if (MayLog())
                    {
                        LogRequestTimeout(_logger, xid, m.Type.ToString(), _scope.DatapathId, _options.RequestTimeout);
                    }
                    p.Tcs.TrySetException(new TimeoutException($"switch {DatapathId} did not answer {m.Type} xid {xid} within {_options.RequestTimeout}"));
                }
            }
        });
        try
        {
            await WaitWritableAsync(channel, timeout.Token).ConfigureAwait(false);
            Count(m);
            var write = channel.WriteAndFlushAsync(m);
            _ = write.ContinueWith(
                static (t, state) => ((Pending)state!).Tcs.TrySetException(new SwitchDisconnectedException("the request could not be written", t.Exception!.InnerException!)),
                p,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return await p.Tcs.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"switch {DatapathId} was not writable within {_options.RequestTimeout}");
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<uint, Pending>(xid, p));
        }
    }

    private void CompleteWith(OfpMessage m, Pending p)
    {
        switch (p.Kind)
        {
            case PendingKind.Multipart when m is MultipartReply part:
                p.Parts ??= [];
                p.Parts.Add(part);
                p.Bytes += _lastFrameLength;
                if (part.More && OverCap(p.Parts.Count, p.Bytes))
                {
                    if (_pending.TryRemove(new KeyValuePair<uint, Pending>(m.Xid, p)))
                    {
                        p.Tcs.TrySetException(new InvalidDataException(
                            $"switch {DatapathId} sent more than {_options.MultipartMaxMessages} parts or {_options.MultipartMaxBytes} bytes for multipart xid {m.Xid}"));
                    }

                    p.Parts = null;
                    MultipartOverflow(part);
                    break;
                }

                if (!part.More && _pending.TryRemove(new KeyValuePair<uint, Pending>(m.Xid, p)))
                {
                    p.Tcs.TrySetResult(p.Parts);
                }

                break;
            case PendingKind.Collect:
                if (MayLog())
                {
                    LogUnexpected(_logger, m.Type.ToString(), m.Xid);
                }

                break;
            default:
                if (_pending.TryRemove(new KeyValuePair<uint, Pending>(m.Xid, p)))
                {
                    p.Tcs.TrySetResult([m]);
                }

                break;
        }
    }

    private sealed class Pending(PendingKind kind)
    {
        public PendingKind Kind { get; } = kind;

        public TaskCompletionSource<IReadOnlyList<OfpMessage>> Tcs { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<OfpMessage>? Parts { get; set; }

        /// <summary>Frame bytes of the parts so far (multipart only).</summary>
        public long Bytes { get; set; }
    }
}
