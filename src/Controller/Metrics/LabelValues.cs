using OpenFlow.Protocol;

namespace Controller.Metrics;

/// <summary>
/// Label values made once, so no label string is built per measurement: tables for
/// <see cref="IndexedChildren{TChild}"/>, table ids, datapath ids.
/// </summary>
internal static class LabelValues
{
    /// <summary>Table ids 0..255 as decimal text.</summary>
    public static readonly string[] Tables = [.. Enumerable.Range(0, 256).Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>OpenFlow message types as they were always labelled: the enum name, <c>Unknown</c> for any other byte.</summary>
    public static readonly string[] OfpTypes = Of<OfpType>(t => t.ToString(), other: "Unknown");

    /// <summary>
    /// Entry <c>(int)value</c> is the label of that enum value; every index no value has, and one extra slot at the
    /// end (where <see cref="IndexedChildren{TChild}"/> puts an out-of-range index), is <paramref name="other"/>.
    /// </summary>
    public static string[] Of<TEnum>(Func<TEnum, string> label, string other = "other")
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(label);
        var values = Enum.GetValues<TEnum>();
        var names = new string[values.Max(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)) + 2];
        Array.Fill(names, other);
        foreach (var v in values)
        {
            names[Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)] = label(v);
        }

        return names;
    }

    /// <summary>A datapath id as labels and REST show it: 16 hex digits.</summary>
    public static string Dpid(ulong dpid) => dpid.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><c>SwitchError</c> -> <c>switch_error</c>.</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }
}
