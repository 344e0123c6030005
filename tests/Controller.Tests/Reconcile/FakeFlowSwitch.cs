using Apps.Flows;
using Controller.Reconcile;
using OpenFlow;
using OpenFlow.Messages;
using OpenFlow.Matching;
using OpenFlow.Protocol;

namespace Controller.Tests.Reconcile;

/// <summary>
/// A switch's flow table behind <see cref="IFlowSwitch"/>: applies FLOW_MODs with OpenFlow 1.3's
/// strict semantics, answers dumps by cookie mask (with match fields in reverse order, as a real
/// switch may use its own order), and can reject chosen flows with an OFPT_ERROR.
/// </summary>
internal sealed class FakeFlowSwitch : IFlowSwitch
{
    private readonly Lock _lock = new();
    private readonly Dictionary<FlowKey, FlowEntry> _table = [];
    private readonly List<ErrorMessage> _pendingErrors = [];
    private readonly List<string> _log = [];

    public FakeFlowSwitch(ulong datapathId, IEnumerable<FlowEntry>? flows = null)
    {
        DatapathId = datapathId;
        foreach (var f in flows ?? [])
        {
            _table[f.Key] = f;
        }
    }

    public ulong DatapathId { get; }

    /// <summary>Flows the switch refuses (OFPET_FLOW_MOD_FAILED) while it returns true.</summary>
    public Func<FlowMod, bool> Reject { get; set; } = _ => false;

    /// <summary>Awaited before each barrier reply (lets a test look at the state in between).</summary>
    public Func<Task>? BeforeBarrierReply { get; set; }

    /// <summary>Thrown by the next dumps while positive (a lost connection), counting down.</summary>
    public int FailDumps { get; set; }

    public int Dumps { get; private set; }

    public int Barriers { get; private set; }

    public int FlowModsReceived { get; private set; }

    /// <summary>"DELETE_STRICT ...", "ADD ...", "MODIFY_STRICT ...", "BARRIER" in arrival order.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_lock)
            {
                return [.. _log];
            }
        }
    }

    public IReadOnlyList<FlowEntry> Flows
    {
        get
        {
            lock (_lock)
            {
                return [.. _table.Values.OrderBy(f => f, FlowOrder.Instance)];
            }
        }
    }

    public void Put(FlowEntry flow)
    {
        lock (_lock)
        {
            _table[flow.Key] = flow;
        }
    }

    public void Remove(FlowKey key)
    {
        lock (_lock)
        {
            _table.Remove(key);
        }
    }

    /// <summary>How long each dump takes before it answers (a switch reading out a large table).</summary>
    public TimeSpan DumpDelay { get; set; }

    public async Task<IReadOnlyList<FlowEntry>> DumpFlowsAsync(ulong cookie, ulong cookieMask, CancellationToken cancellationToken)
    {
        if (DumpDelay > TimeSpan.Zero)
        {
            await Task.Delay(DumpDelay, cancellationToken).ConfigureAwait(false);
        }

        return Dump(cookie, cookieMask);
    }

    private IReadOnlyList<FlowEntry> Dump(ulong cookie, ulong cookieMask)
    {
        lock (_lock)
        {
            Dumps++;
            if (FailDumps > 0)
            {
                FailDumps--;
                throw new IOException("connection reset");
            }

            IReadOnlyList<FlowEntry> result =
            [
                .. _table.Values
                    .Where(f => (f.Cookie.Value & cookieMask) == (cookie & cookieMask))
                    .Select(f => f with { Match = new Match(f.Match.Fields.Reverse()) }),
            ];
            return result;
        }
    }

    public int Counts { get; private set; }

    public Task<long> CountFlowsAsync(byte tableId, ulong cookie, ulong cookieMask, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Counts++;
            return Task.FromResult((long)_table.Values.Count(f =>
                (tableId == OfpConstants.AllTables || f.TableId == tableId) && (f.Cookie.Value & cookieMask) == (cookie & cookieMask)));
        }
    }

    public Task SendAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var m in messages)
            {
                var fm = (FlowMod)m;
                FlowModsReceived++;
                _log.Add($"{fm.Command} {Entry(fm)}");
                if (Reject(fm))
                {
                    _pendingErrors.Add(new ErrorMessage { ErrorType = ErrorType.FlowModFailed, Code = (ushort)FlowModFailedCode.Unknown });
                    continue;
                }

                Apply(fm);
            }
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ErrorMessage>> BarrierAsync(CancellationToken cancellationToken)
    {
        if (BeforeBarrierReply is { } gate)
        {
            await gate().ConfigureAwait(false);
        }

        return Reply();
    }

    private IReadOnlyList<ErrorMessage> Reply()
    {
        lock (_lock)
        {
            Barriers++;
            _log.Add("BARRIER");
            IReadOnlyList<ErrorMessage> errors = [.. _pendingErrors];
            _pendingErrors.Clear();
            return errors;
        }
    }

    private static FlowEntry Entry(FlowMod fm) => new()
    {
        TableId = fm.TableId,
        Priority = fm.Priority,
        Match = fm.Match,
        Instructions = fm.Instructions,
        Cookie = fm.Cookie,
        IdleTimeout = fm.IdleTimeout,
        HardTimeout = fm.HardTimeout,
        Flags = fm.Flags,
    };

    private void Apply(FlowMod fm)
    {
        var e = Entry(fm);
        var key = e.Key;
        bool CookieMatches(FlowEntry f) => (f.Cookie.Value & fm.CookieMask) == (fm.Cookie.Value & fm.CookieMask);
        switch (fm.Command)
        {
            case FlowModCommand.Add:
                _table[key] = e;
                break;
            case FlowModCommand.ModifyStrict:
                if (_table.TryGetValue(key, out var old) && CookieMatches(old))
                {
                    // OpenFlow 1.3: only the instructions change.
                    _table[key] = old with { Instructions = fm.Instructions };
                }

                break;
            case FlowModCommand.DeleteStrict:
                if (_table.TryGetValue(key, out var victim) && CookieMatches(victim))
                {
                    _table.Remove(key);
                }

                break;
            default:
                throw new NotSupportedException($"{fm.Command} is not used by the reconciler");
        }
    }
}
