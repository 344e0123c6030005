using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Cli;

/// <summary>
/// Writes either JSON (<c>--json</c>: the REST answer as is, indented, for scripts) or Spectre.Console tables.
/// Colour only when stdout is a terminal.
/// </summary>
public sealed class Output
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public Output(OfcEnvironment env, bool json)
    {
        ArgumentNullException.ThrowIfNull(env);
        Json = json;
        Writer = env.Out;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(env.Out),
            Ansi = env.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = env.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = env.Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!env.Interactive)
        {
            Console.Profile.Width = 240;
        }
    }

    public bool Json { get; }

    public TextWriter Writer { get; }

    public IAnsiConsole Console { get; }

    public void WriteJson(JsonNode? node) => Writer.WriteLine(node?.ToJsonString(Indented) ?? "null");

    /// <summary>A table of <paramref name="rows"/> with one column per (header, JSON property) pair.</summary>
    public void WriteTable(JsonArray rows, params (string Header, string Property)[] columns)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var (header, _) in columns)
        {
            table.AddColumn(new TableColumn(header));
        }

        foreach (var row in rows.OfType<JsonObject>())
        {
            table.AddRow(columns.Select(c => Markup.Escape(Cell(row[c.Property]))).ToArray());
        }

        Console.Write(table);
    }

    public void Line(string text) => Writer.WriteLine(text);

    public static string Cell(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        JsonArray a => a.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };
}
