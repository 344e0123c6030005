using System.Collections.Immutable;

namespace Ovsdb.Data;

/// <summary>
/// RFC 7047 &lt;row-update&gt;: <c>Old</c> alone is a delete, <c>New</c> alone an insert (or the initial
/// contents), both a modify (<c>Old</c> then holds only the columns that changed).
/// </summary>
public sealed record RowUpdate(ImmutableDictionary<string, OvsdbDatum>? Old, ImmutableDictionary<string, OvsdbDatum>? New);
