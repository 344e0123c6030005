using System.Collections.Concurrent;
using System.Collections.Immutable;
using Controller.Switches;
using OpenFlow;
using OpenFlow.Messages;

namespace Controller.Tests.Runtime;

/// <summary>
/// A connected switch for the runtime: records what is sent, answers flow dumps from <see cref="Installed"/>
/// and barriers with <see cref="NextBatchErrors"/> (then clears them).
/// </summary>
internal sealed class FakeConnection : ISwitchConnection
{
    private uint _xid;

    public FakeConnection(ulong datapathId, params (uint No, string Name)[] ports)
    {
        DatapathId = new DatapathId(datapathId);
        Ports = [.. ports.Select(p => new Port { PortNo = p.No, Name = p.Name, HwAddr = new MacAddress(0x0200_0000_0000UL + p.No) })];
    }

    public DatapathId DatapathId { get; }

    public string RemoteAddress => "127.0.0.1:1";

    public FeaturesReply Features { get; } = new();

    public ControllerRole Role => ControllerRole.Equal;

    public DateTimeOffset ConnectedSince { get; } = DateTimeOffset.UnixEpoch;

    public bool IsActive { get; set; } = true;

    public ImmutableArray<Port> Ports { get; set; }

    public SwitchCounters Counters { get; } = new();

    /// <summary>Flows the dump returns.</summary>
    public List<FlowStats> Installed { get; } = [];

    /// <summary>Every batch sent with a barrier, in order.</summary>
    public ConcurrentQueue<IReadOnlyList<OfpMessage>> Batches { get; } = new();

    /// <summary>Every message sent without a barrier (PACKET_IN answers), in order.</summary>
    public ConcurrentQueue<OfpMessage> Sent { get; } = new();

    public IReadOnlyList<ErrorMessage> NextBatchErrors { get; set; } = [];

    public int Dumps { get; private set; }

    public uint NextXid() => Interlocked.Increment(ref _xid);

    public Task SendAsync(OfpMessage message, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task SendAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken = default)
    {
        foreach (var m in messages)
        {
            Sent.Enqueue(m);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ErrorMessage>> SendWithBarrierAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken = default)
    {
        Batches.Enqueue(messages);
        var errors = NextBatchErrors;
        NextBatchErrors = [];
        return Task.FromResult(errors);
    }

    public Task<T> RequestAsync<T>(OfpMessage request, CancellationToken cancellationToken = default)
        where T : OfpMessage => throw new NotSupportedException();

    public Task<IReadOnlyList<MultipartReply>> RequestMultipartAsync(MultipartRequest request, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public Task BarrierAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<FlowStats>> DumpFlowsAsync(byte tableId, ulong cookie, ulong cookieMask, CancellationToken cancellationToken = default)
    {
        Dumps++;
        return Task.FromResult<IReadOnlyList<FlowStats>>([.. Installed.Where(f => (f.Cookie.Value & cookieMask) == cookie)]);
    }

    public Task CloseAsync()
    {
        IsActive = false;
        return Task.CompletedTask;
    }
}
