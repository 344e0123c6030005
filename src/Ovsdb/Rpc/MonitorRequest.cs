using System.Collections.Immutable;

namespace Ovsdb.Rpc;

/// <summary>One table of a <c>monitor</c> request: which columns, and which kinds of change to report.</summary>
public sealed record MonitorRequest(string Table, ImmutableArray<string> Columns)
{
    public bool Initial { get; init; } = true;

    public bool Insert { get; init; } = true;

    public bool Delete { get; init; } = true;

    public bool Modify { get; init; } = true;
}
