using Apps.Flows;
using Controller.Reconcile;
using OpenFlow;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using OpenFlow.Matching;
using static Controller.Tests.Reconcile.TestFlows;

namespace Controller.Tests.Reconcile;

public sealed class FlowDiffTests
{
    private static readonly CookieScope Scope = CookieScope.For(new ListApp());

    [Test]
    public void NothingInstalled_EverythingIsAdded()
    {
        var diff = FlowDiff.Compute(Desired(), [], Scope);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(diff.Adds, Is.EquivalentTo(Desired()));
            Assert.That(diff.Deletes, Is.Empty);
            Assert.That(diff.Modifies, Is.Empty);
            Assert.That(diff.AddAndModifyMessages().Cast<FlowMod>().Select(m => m.Command), Is.All.EqualTo(FlowModCommand.Add));
        }
    }

    [Test]
    public void InSync_IsEmpty_EvenWhenTheSwitchListsMatchFieldsInAnotherOrder()
    {
        var installed = Desired().Select(f => f with { Match = new Match(f.Match.Fields.Reverse()) });

        var diff = FlowDiff.Compute(Desired(), installed, Scope);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(diff.IsEmpty, Is.True);
            Assert.That(diff.Unchanged, Is.EqualTo(Desired().Count));
        }
    }

    [Test]
    public void Drift_ExtraIsDeletedStrictWithItsCookie_ChangedInstructionsModify_ChangedCookieOrTimeoutReAdds()
    {
        var d = Desired();
        var extra = Ours(3, 1, 9, 5, 1);
        var installed = new List<FlowEntry>
        {
            d[0],
            d[1] with { Instructions = [new GotoTable(5)] },   // instructions drifted
            d[2] with { Cookie = ListApp.TestId.Cookie(99) },   // same key, other cookie
            d[3] with { IdleTimeout = 10 },                     // timeout drifted
            extra,                                              // not desired
        };

        var diff = FlowDiff.Compute(d, installed, Scope);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(diff.Deletes, Is.EqualTo(new[] { extra }));
            Assert.That(diff.Modifies, Is.EqualTo(new[] { d[1] }));
            Assert.That(diff.Adds, Is.EquivalentTo(new[] { d[2], d[3], d[4] }));
            Assert.That(diff.Unchanged, Is.EqualTo(1));
            var del = (FlowMod)diff.DeleteMessages().Single();
            Assert.That((del.Command, del.Cookie, del.CookieMask, del.TableId, del.Priority), Is.EqualTo((FlowModCommand.DeleteStrict, extra.Cookie, ulong.MaxValue, (byte)3, (ushort)1)));
            var mod = diff.AddAndModifyMessages().Cast<FlowMod>().Single(m => m.Command == FlowModCommand.ModifyStrict);
            Assert.That((mod.Cookie, mod.CookieMask, mod.Instructions), Is.EqualTo((d[1].Cookie, ulong.MaxValue, d[1].Instructions)));
        }
    }

    [Test]
    public void ForeignAndLearnedFlows_AreNeverDeletedOrModified()
    {
        var installed = Desired().Concat([Foreign(0, 10, 7), Learned(11), Learned(12), Foreign(20, 1, 13) with { Cookie = new Cookie(0) }]);

        var diff = FlowDiff.Compute(Desired(), installed, Scope);
        var explicitScope = FlowDiff.Compute(Desired(), installed, ListApp.TestId.CookiePrefix, Cookie.AppMask, ListApp.LearnedCookie.Value);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(diff.IsEmpty, Is.True);
            Assert.That(explicitScope, Is.EqualTo(diff));
        }
    }

    [Test]
    public void DesiredFlowOnAForeignFlowsKey_IsAddedAndReportedAsOverwrite()
    {
        var foreign = Desired()[0] with { Cookie = new Cookie(0) };

        var diff = FlowDiff.Compute(Desired(), [foreign], Scope);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(diff.Adds, Does.Contain(Desired()[0]));
            Assert.That(diff.Overwrites, Is.EqualTo(new[] { foreign }));
        }
    }

    [Test]
    public void DesiredFlowsMustBeInScopeAndUnique()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => FlowDiff.Compute([Foreign(0, 1, 1)], [], Scope), Throws.ArgumentException);
            Assert.That(() => FlowDiff.Compute([Learned(1)], [], Scope), Throws.ArgumentException);
            Assert.That(() => FlowDiff.Compute([Ours(0, 1, 1, 1, 2), Ours(0, 1, 1, 1, 3)], [], Scope), Throws.ArgumentException);
        }
    }
}
