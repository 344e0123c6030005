using System.Collections.Immutable;
using System.Text.Json;
using Ovsdb.Data;

namespace Ovsdb.Operations;

/// <summary>One operation of a <c>transact</c> (RFC 7047 5.2).</summary>
public abstract record OvsdbOperation
{
    public abstract string Op { get; }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("op", Op);
        WriteBody(writer);
        writer.WriteEndObject();
    }

    protected abstract void WriteBody(Utf8JsonWriter writer);

    protected static void WriteRow(Utf8JsonWriter writer, IReadOnlyDictionary<string, OvsdbDatum> row)
    {
        writer.WriteStartObject("row");
        foreach (var (column, value) in row.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(column);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    protected static void WriteWhere(Utf8JsonWriter writer, ImmutableArray<Condition> where)
    {
        writer.WriteStartArray("where");
        foreach (var c in where)
        {
            c.WriteTo(writer);
        }

        writer.WriteEndArray();
    }
}

/// <summary>Insert a row; <see cref="UuidName"/> lets later operations of the same transaction refer to it.</summary>
public sealed record InsertOperation(string Table, IReadOnlyDictionary<string, OvsdbDatum> Row, string? UuidName = null) : OvsdbOperation
{
    public override string Op => "insert";

    protected override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteString("table", Table);
        WriteRow(writer, Row);
        if (UuidName is not null)
        {
            writer.WriteString("uuid-name", UuidName);
        }
    }
}

public sealed record UpdateOperation(string Table, ImmutableArray<Condition> Where, IReadOnlyDictionary<string, OvsdbDatum> Row) : OvsdbOperation
{
    public override string Op => "update";

    protected override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteString("table", Table);
        WriteWhere(writer, Where);
        WriteRow(writer, Row);
    }
}

public sealed record MutateOperation(string Table, ImmutableArray<Condition> Where, ImmutableArray<Mutation> Mutations) : OvsdbOperation
{
    public override string Op => "mutate";

    protected override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteString("table", Table);
        WriteWhere(writer, Where);
        writer.WriteStartArray("mutations");
        foreach (var m in Mutations)
        {
            m.WriteTo(writer);
        }

        writer.WriteEndArray();
    }
}

public sealed record DeleteOperation(string Table, ImmutableArray<Condition> Where) : OvsdbOperation
{
    public override string Op => "delete";

    protected override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteString("table", Table);
        WriteWhere(writer, Where);
    }
}

/// <summary>
/// Fails the whole transaction unless the rows selected by <see cref="Where"/>, projected on
/// <see cref="Columns"/>, are (<c>==</c>) or are not (<c>!=</c>) exactly <see cref="Rows"/>. With timeout 0
/// it fails at once: the optimistic check that keeps a concurrent ovs-vsctl from being clobbered.
/// </summary>
public sealed record WaitOperation(
    string Table,
    ImmutableArray<Condition> Where,
    ImmutableArray<string> Columns,
    ImmutableArray<IReadOnlyDictionary<string, OvsdbDatum>> Rows,
    bool UntilEqual = true,
    int TimeoutMs = 0) : OvsdbOperation
{
    public override string Op => "wait";

    protected override void WriteBody(Utf8JsonWriter writer)
    {
        writer.WriteString("table", Table);
        WriteWhere(writer, Where);
        writer.WriteStartArray("columns");
        foreach (var c in Columns)
        {
            writer.WriteStringValue(c);
        }

        writer.WriteEndArray();
        writer.WriteString("until", UntilEqual ? "==" : "!=");
        writer.WriteStartArray("rows");
        foreach (var row in Rows)
        {
            writer.WriteStartObject();
            foreach (var c in Columns)
            {
                writer.WritePropertyName(c);
                (row.TryGetValue(c, out var v) ? v : OvsdbDatum.EmptySet).WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("timeout", TimeoutMs);
    }
}

/// <summary>Text that ovsdb-server writes to its log and database history with the transaction.</summary>
public sealed record CommentOperation(string Comment) : OvsdbOperation
{
    public override string Op => "comment";

    protected override void WriteBody(Utf8JsonWriter writer) => writer.WriteString("comment", Comment);
}
