using System.Collections.Immutable;
using Ovsdb.Operations;
using Ovsdb.Replication;
using static Controller.Hosts.OvsdbNames;

namespace Controller.Hosts;

/// <summary>
/// One writer per host (<see cref="IHostWriterGate"/>): every controller connected to the host keeps its session
/// and monitor, offers itself as the host's writer, and plans; only the writer transacts and changes the store
/// for the host (registration, encap IP, datapath id). In a cluster every transaction of the writer carries the
/// fence of <see cref="WriterFence"/>, which the host's ovsdb-server checks.
/// </summary>
internal sealed partial class OvsdbHostSession
{
    private IDisposable? _offer;
    private string? _offeredFor;
    private string? _fenceProblem;

    /// <summary>Offers this session as the writer of the host it sees (once per system-id) and says who writes it.</summary>
    private HostWriter WriterFor(string? systemId)
    {
        if (!string.Equals(systemId, _offeredFor, StringComparison.Ordinal))
        {
            _offer?.Dispose();
            _offer = systemId is { Length: > 0 } ? _gate.Offer(systemId) : null;
            _offeredFor = systemId;
        }

        var writer = systemId is { Length: > 0 } ? _gate.WriterOf(systemId) : HostWriter.Nobody;
        Publish(s => s.Writer == writer.Member && s.WriterIsSelf == writer.Mine ? s : s with { Writer = writer.Member, WriterIsSelf = writer.Mine });
        return writer;
    }

    private void Withdraw()
    {
        _offer?.Dispose();
        _offer = null;
        _offeredFor = null;
    }

    /// <summary>
    /// What to send for <paramref name="plan"/> as <paramref name="writer"/>: the plan, fenced in a cluster (a takeover
    /// when the host does not carry our token yet, even when the plan is empty). Empty: nothing to send. Null: this
    /// member must not send (not provably the writer, or a newer writer's token is on the host); counted.
    /// </summary>
    private Fenced? Fence(HostPlan plan, ReplicaSnapshot snapshot, string systemId, HostWriter writer)
    {
        if (writer.Token is not { } token)
        {
            return new Fenced(plan.Operations, -1);
        }

        var root = snapshot.Rows(RootTable).Values.FirstOrDefault();
        if (root is null)
        {
            return new Fenced(plan.Operations, -1); // nothing is planned without the row (the plan says why)
        }

        var decision = WriterFence.Decide(WriterFence.TokenOn(root), token);
        if (decision == FenceDecision.Write && plan.InSync)
        {
            _fenceProblem = null;
            return new Fenced([], -1);
        }

        if (decision == FenceDecision.Stale)
        {
            return Suppress(systemId, plan, $"the host carries a newer writer's token {WriterFence.TokenOn(root)} (ours {token})");
        }

        if (!_gate.MayWrite(systemId, writer.Generation))
        {
            return Suppress(systemId, plan, "this member's lease is not provably alive");
        }

        _fenceProblem = null;
        var fence = decision == FenceDecision.TakeOver ? WriterFence.TakeOver(root, token) : [WriterFence.Guard(root.Uuid, token)];
        if (plan.Operations.IsEmpty)
        {
            return new Fenced([new CommentOperation($"ofcontroller: writer of host {systemId} is now {writer.Member} ({token})"), .. fence], 1);
        }

        var at = plan.Operations[0] is CommentOperation ? 1 : 0;
        return new Fenced(plan.Operations.InsertRange(at, fence), at);
    }

    private Fenced? Suppress(string systemId, HostPlan plan, string reason)
    {
        if (!plan.InSync || _fenceProblem is null)
        {
            _gate.WriteSuppressed(systemId, reason);
        }

        if (_fenceProblem != reason)
        {
            LogWriteSuppressed(_logger, systemId, reason);
            _fenceProblem = reason;
        }

        return null;
    }

    /// <summary>The server refused the transaction at our fence: a newer writer took over the host.</summary>
    private bool RefusedByFence(OvsdbTransactionException ex, Fenced sent, string systemId)
    {
        if (sent.FenceIndex < 0 || ex.OperationIndex != sent.FenceIndex || !ex.IsWaitFailure)
        {
            return false;
        }

        _gate.WriteRefused(systemId, ex.Message);
        LogWriteRefused(_logger, systemId, ex.Message);
        return true;
    }

    /// <summary>Operations to send and the index of the fence among them (-1: unfenced).</summary>
    private sealed record Fenced(ImmutableArray<OvsdbOperation> Operations, int FenceIndex);
}
