using System.Collections.Immutable;
using Ovsdb.Operations;

namespace Controller.Hosts;

/// <summary>
/// The minimal transaction that brings a host from what its OVSDB holds to what is desired: <c>wait</c>s
/// first (on every row and column the decision was based on, so a concurrent ovs-vsctl makes it fail),
/// then the changes. Empty when in sync. <see cref="Changes"/> says in words what it does (log, REST);
/// <see cref="Problems"/> what it refused to do (a name held by a foreign row, another owner's mark).
/// </summary>
internal sealed record HostPlan(ImmutableArray<OvsdbOperation> Operations, ImmutableArray<string> Changes, ImmutableArray<string> Problems)
{
    public bool InSync => Operations.IsEmpty;
}
