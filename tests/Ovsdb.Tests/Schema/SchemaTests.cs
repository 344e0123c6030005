using System.Text.Json;
using Ovsdb.Data;
using Ovsdb.Schema;

namespace Ovsdb.Tests.Schema;

public sealed class SchemaTests
{
    // A cut of the vswitch schema's shapes: scalar, enum, optional integer with bounds, strong and weak
    // references, string map, unlimited set.
    private const string Json = """
        {"name":"Open_vSwitch","version":"8.3.1","cksum":"1 2",
         "tables":{
          "Open_vSwitch":{"isRoot":true,"maxRows":1,"columns":{
            "bridges":{"type":{"key":{"type":"uuid","refTable":"Bridge"},"min":0,"max":"unlimited"}},
            "external_ids":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}},
          "Bridge":{"isRoot":true,"columns":{
            "name":{"type":"string","mutable":false},
            "fail_mode":{"type":{"key":{"type":"string","enum":["set",["secure","standalone"]]},"min":0,"max":1}},
            "datapath_id":{"type":{"key":"string","min":0,"max":1},"ephemeral":true},
            "mirrors":{"type":{"key":{"type":"uuid","refTable":"Mirror","refType":"weak"},"min":0,"max":"unlimited"}}}},
          "Port":{"columns":{
            "tag":{"type":{"key":{"type":"integer","minInteger":0,"maxInteger":4095},"min":0,"max":1}}}}}}
        """;

    [Test]
    public void ParsesTablesColumnsAndTypes()
    {
        using var doc = JsonDocument.Parse(Json);
        var schema = DatabaseSchema.Parse(doc.RootElement);
        var bridge = schema.Table("Bridge");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(schema.Name, Is.EqualTo("Open_vSwitch"));
            Assert.That(schema.ParsedVersion, Is.EqualTo(new Version(8, 3, 1)));
            Assert.That(schema.HasColumn("Bridge", "fail_mode"), Is.True);
            Assert.That(schema.HasColumn("Bridge", "no_such"), Is.False);
            Assert.That(schema.HasColumn("NoTable", "name"), Is.False);
            Assert.That(bridge.IsRoot, Is.True);
            Assert.That(bridge.Columns["name"].Type.IsScalar, Is.True);
            Assert.That(bridge.Columns["name"].Mutable, Is.False);
            Assert.That(bridge.Columns["datapath_id"].Ephemeral, Is.True);
            Assert.That(bridge.Columns["fail_mode"].Type.Key.Enum, Is.EqualTo(new[] { OvsdbAtom.String("secure"), OvsdbAtom.String("standalone") }));
            Assert.That(bridge.Columns["mirrors"].Type.Key.RefType, Is.EqualTo("weak"));
            Assert.That(schema.Table("Open_vSwitch").MaxRows, Is.EqualTo(1));
            Assert.That(schema.Table("Open_vSwitch").Columns["bridges"].Type.Max, Is.EqualTo(ColumnType.Unlimited));
            Assert.That(schema.Table("Open_vSwitch").Columns["bridges"].Type.Key.RefTable, Is.EqualTo("Bridge"));
            Assert.That(schema.Table("Open_vSwitch").Columns["external_ids"].Type.IsMap, Is.True);
            Assert.That(schema.Table("Port").Columns["tag"].Type.Default, Is.EqualTo(OvsdbDatum.EmptySet));
            Assert.That(bridge.Columns["name"].Type.Default, Is.EqualTo(OvsdbDatum.Atom("")));
        }
    }

    [Test]
    public void TheInstalledVswitchSchemaParses()
    {
        const string path = "/usr/share/openvswitch/vswitch.ovsschema";
        if (!File.Exists(path))
        {
            Real.OvsdbPreconditions.Missing("the vswitch schema (openvswitch-common)");
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var schema = DatabaseSchema.Parse(doc.RootElement);
        Assert.That(schema.Tables.Keys, Is.SupersetOf(new[] { "Open_vSwitch", "Bridge", "Port", "Interface", "Controller", "Manager" }));
        Assert.That(schema.HasColumn("Interface", "mtu_request"), Is.True);
    }

    [TestCase("""{"tables":{}}""")]
    [TestCase("""{"name":"x"}""")]
    [TestCase("""{"name":"x","tables":{"T":{"columns":{"c":{"type":"blob"}}}}}""")]
    [TestCase("""{"name":"x","tables":{"T":{"columns":{"c":{"type":{"key":"string","min":2,"max":1}}}}}}""")]
    public void UnexpectedSchemasAreRefused(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Throws<FormatException>(() => DatabaseSchema.Parse(doc.RootElement));
    }
}
