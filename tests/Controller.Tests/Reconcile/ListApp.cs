using Apps.Flows;
using Apps.Model;
using OpenFlow;

namespace Controller.Tests.Reconcile;

/// <summary>An app whose desired flows the test sets directly; counts its computations.</summary>
internal sealed class ListApp : IFlowApp
{
    private volatile IReadOnlyList<FlowEntry> _flows = [];
    private int _computations;

    public static AppId TestId { get; } = new(0x0777, "test");

    public static Cookie LearnedCookie { get; } = TestId.Cookie(0xffff_ffff_ffff);

    public AppId Id => TestId;

    public IReadOnlySet<ulong> PreservedCookies { get; } = new HashSet<ulong> { LearnedCookie.Value };

    public int Computations => Volatile.Read(ref _computations);

    public IReadOnlyList<FlowEntry> Flows
    {
        get => _flows;
        set => _flows = value;
    }

    public IReadOnlySet<FlowEntry> ComputeDesired(NetworkSnapshot state, SwitchSnapshot sw)
    {
        Interlocked.Increment(ref _computations);
        return new FlowSet(_flows);
    }
}
