using OpenFlow.Instructions;
using OpenFlow.Matching;

namespace Apps.Flows;

/// <summary>Checks flows against a pipeline's table schemas.</summary>
public static class FlowSchemaCheck
{
    /// <summary>Every way <paramref name="flow"/> breaks its table's schema; empty when it fits.</summary>
    public static IReadOnlyList<string> Problems(FlowEntry flow, IReadOnlyDictionary<byte, TableSchema> tables)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(tables);
        var problems = new List<string>();
        if (!tables.TryGetValue(flow.TableId, out var schema))
        {
            problems.Add($"table {flow.TableId} is not part of the pipeline");
            return problems;
        }

        var seen = new HashSet<uint>();
        foreach (var f in flow.Match.Fields)
        {
            if (!seen.Add(f.FieldKey))
            {
                problems.Add($"{schema.Name}: field {f} appears twice");
            }

            if (f.Class != OxmClass.OpenFlowBasic || !schema.AllowedMatch.Contains((OxmBasic)f.Field))
            {
                problems.Add($"{schema.Name}: match on {f} is not allowed");
            }
        }

        var gotos = 0;
        foreach (var i in flow.Instructions)
        {
            if (i is GotoTable g)
            {
                gotos++;
                if (!schema.NextTables.Contains(g.TableId))
                {
                    problems.Add($"{schema.Name}: goto_table:{g.TableId} is not a declared next table");
                }

                if (g.TableId <= flow.TableId)
                {
                    problems.Add($"{schema.Name}: goto_table:{g.TableId} does not move forward");
                }
            }
        }

        if (gotos > 1)
        {
            problems.Add($"{schema.Name}: more than one goto_table");
        }

        return problems;
    }
}
