namespace Ovsdb.Schema;

public sealed record ColumnSchema(string Name, ColumnType Type, bool Ephemeral, bool Mutable);
