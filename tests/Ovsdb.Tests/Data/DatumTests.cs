using System.Text.Json;
using Ovsdb.Data;
using Ovsdb.Schema;

namespace Ovsdb.Tests.Data;

public sealed class DatumTests
{
    private static readonly Guid U1 = Guid.Parse("1b2c3d4e-0000-4000-8000-000000000001");
    private static readonly Guid U2 = Guid.Parse("1b2c3d4e-0000-4000-8000-000000000002");

    private static IEnumerable<TestCaseData> RoundTrips()
    {
        yield return new TestCaseData(OvsdbDatum.Atom(OvsdbAtom.String("br-int")), "\"br-int\"");
        yield return new TestCaseData(OvsdbDatum.Atom(OvsdbAtom.Integer(-42)), "-42");
        yield return new TestCaseData(OvsdbDatum.Atom(OvsdbAtom.Boolean(true)), "true");
        yield return new TestCaseData(OvsdbDatum.Atom(OvsdbAtom.Real(1.5)), "1.5");
        yield return new TestCaseData(OvsdbDatum.Atom(OvsdbAtom.Uuid(U1)), $"[\"uuid\",\"{U1}\"]");
        yield return new TestCaseData(OvsdbDatum.Atom(OvsdbAtom.NamedUuid("row1")), "[\"named-uuid\",\"row1\"]");
        yield return new TestCaseData(OvsdbDatum.EmptySet, "[\"set\",[]]");
        yield return new TestCaseData(OvsdbDatum.Set(OvsdbAtom.Uuid(U2), OvsdbAtom.Uuid(U1)), $"[\"set\",[[\"uuid\",\"{U1}\"],[\"uuid\",\"{U2}\"]]]");
        yield return new TestCaseData(OvsdbDatum.Set(OvsdbAtom.String("OpenFlow13"), OvsdbAtom.String("OpenFlow10")), "[\"set\",[\"OpenFlow10\",\"OpenFlow13\"]]");
        yield return new TestCaseData(
            OvsdbDatum.Map(new Dictionary<string, string> { ["remote_ip"] = "10.0.0.2", ["key"] = "flow" }),
            "[\"map\",[[\"key\",\"flow\"],[\"remote_ip\",\"10.0.0.2\"]]]");
    }

    [TestCaseSource(nameof(RoundTrips))]
    public void EncodesToTheRfcFormAndDecodesBack(OvsdbDatum datum, string json)
    {
        Assert.That(datum.ToJson(), Is.EqualTo(json));
        using var doc = JsonDocument.Parse(json);
        var back = OvsdbDatum.FromJson(doc.RootElement);
        Assert.That(back, Is.EqualTo(datum));
        Assert.That(back.ToJson(), Is.EqualTo(json));
    }

    [Test]
    public void SetOfOneIsTheBareAtomAndEqualsItsSetForm()
    {
        using var bare = JsonDocument.Parse("7");
        using var set = JsonDocument.Parse("[\"set\",[7]]");
        Assert.That(OvsdbDatum.FromJson(bare.RootElement), Is.EqualTo(OvsdbDatum.FromJson(set.RootElement)));
        Assert.That(OvsdbDatum.FromJson(set.RootElement).ToJson(), Is.EqualTo("7"));
    }

    [Test]
    public void OrderDoesNotMatterForEquality()
    {
        var a = OvsdbDatum.Map(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        var b = OvsdbDatum.Map(new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });
        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(a.GetString("b"), Is.EqualTo("2"));
            Assert.That(a.GetString("c"), Is.Null);
            Assert.That(OvsdbDatum.Set(1, 2, 2, 3), Is.EqualTo(OvsdbDatum.Set(3, 2, 1)));
        });
    }

    [Test]
    public void EmptySetIsReadAsEmptyMapWhereTheColumnIsAMap()
    {
        var mapType = new ColumnType(new BaseType(AtomKind.String), new BaseType(AtomKind.String), 0, ColumnType.Unlimited);
        using var doc = JsonDocument.Parse("[\"set\",[]]");
        var d = OvsdbDatum.FromJson(doc.RootElement, mapType);
        Assert.That(d.IsMap, Is.True);
        Assert.That(d.IsEmpty, Is.True);
    }

    [Test]
    public void IntegerJsonIsARealWhereTheColumnIsReal()
    {
        var realType = new ColumnType(new BaseType(AtomKind.Real), null, 1, 1);
        using var doc = JsonDocument.Parse("3");
        Assert.That(OvsdbDatum.FromJson(doc.RootElement, realType).Single.Kind, Is.EqualTo(AtomKind.Real));
        Assert.That(OvsdbDatum.FromJson(doc.RootElement).Single.Kind, Is.EqualTo(AtomKind.Integer));
    }

    [TestCase("[\"uuid\",\"not-a-uuid\"]")]
    [TestCase("[\"map\",[[\"k\"]]]")]
    [TestCase("[\"map\",[[\"k\",\"1\"],[\"k\",\"2\"]]]")]
    [TestCase("{\"a\":1}")]
    [TestCase("null")]
    [TestCase("[\"set\",7]")]
    public void MalformedValuesAreRefused(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.That(() => OvsdbDatum.FromJson(doc.RootElement), Throws.InstanceOf<FormatException>().Or.InstanceOf<ArgumentException>());
    }
}
