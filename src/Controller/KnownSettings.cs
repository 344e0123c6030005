using System.Collections;
using System.Reflection;
using Controller.Api;
using Controller.Cluster;
using Controller.Hosts;
using Controller.Metrics;
using Controller.Plumbing;
using Controller.Runtime;
using Controller.Store;
using Controller.Switches;

namespace Controller;

/// <summary>
/// Refuses to start on a setting under one of the controller's sections that no option reads. The
/// configuration binder ignores unknown keys, so a typo such as <c>--OpenFlow:Tls:Enable=true</c> would
/// otherwise run plain TCP without a word. Other sections (Serilog, Logging, Kestrel) are not checked.
/// </summary>
internal static class KnownSettings
{
    private static readonly (string Section, Type Options)[] Sections =
    [
        (StoreOptions.SectionName, typeof(StoreOptions)),
        (RestOptions.SectionName, typeof(RestOptions)),
        (PlumbingOptions.SectionName, typeof(PlumbingOptions)),
        (OpenFlowServerOptions.SectionName, typeof(OpenFlowServerOptions)),
        (RuntimeOptions.SectionName, typeof(RuntimeOptions)),
        (OvsdbOptions.SectionName, typeof(OvsdbOptions)),
        (ClusterOptions.SectionName, typeof(ClusterOptions)),
        (MetricsOptions.SectionName, typeof(MetricsOptions)),
    ];

    /// <summary>The full paths (<c>OpenFlow:Tls:Enable</c>) of every key under our sections that binds to nothing.</summary>
    public static IReadOnlyList<string> Unknown(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var unknown = new List<string>();
        foreach (var (name, type) in Sections)
        {
            Walk(configuration.GetSection(name), type, unknown);
        }

        return unknown;
    }

    /// <summary>Throws one message naming every unknown key, so start-up stops before anything listens.</summary>
    public static void Check(IConfiguration configuration)
    {
        var unknown = Unknown(configuration);
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Unknown setting{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown)}: no option of the controller reads {(unknown.Count == 1 ? "it" : "them")} (a misspelt key, or one from another version; see the README's configuration table).");
        }
    }

    private static void Walk(IConfigurationSection section, Type type, List<string> unknown)
    {
        foreach (var child in section.GetChildren())
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                unknown.Add(child.Path);
                continue;
            }

            WalkValue(child, property.PropertyType, unknown);
        }
    }

    /// <summary>Descends into a value that has keys of its own: an options class, or the elements of a list or dictionary.</summary>
    private static void WalkValue(IConfigurationSection section, Type type, List<string> unknown)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var item in section.GetChildren())
            {
                WalkValue(item, element, unknown);
            }

            return;
        }

        Walk(section, type, unknown);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid);

    /// <summary>The element (or dictionary value) type of a collection; null for anything else.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var generic = type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (generic is not null)
        {
            return generic.GetGenericArguments()[1];
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }
}
