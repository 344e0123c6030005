using System.Collections.Immutable;
using OpenFlow.Actions;
using OpenFlow.Wire;

namespace OpenFlow.Instructions;

/// <summary>
/// Shared layout of WRITE_ACTIONS, APPLY_ACTIONS and CLEAR_ACTIONS:
/// type(2) | len(2) | pad(4) | actions...
/// </summary>
public abstract record ActionsInstruction : OfpInstruction
{
    protected ActionsInstruction(ImmutableArray<OfpAction> actions)
    {
        Actions = actions.IsDefault ? [] : actions;
    }

    public ImmutableArray<OfpAction> Actions { get; }

    public override void Write(ref OfpWriter w)
    {
        var start = w.Position;
        w.WriteUInt16((ushort)Type);
        var len = w.ReserveUInt16();
        w.WriteZeros(4);
        OfpAction.WriteList(ref w, Actions);
        w.PatchLength(len, start);
    }

    protected static ImmutableArray<OfpAction> ReadActions(ref OfpReader r)
    {
        r.Skip(4);
        return OfpAction.ReadList(ref r);
    }

    public virtual bool Equals(ActionsInstruction? other) =>
        other is not null && other.Type == Type && Actions.SequenceEqual(other.Actions);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.Add(Type);
        foreach (var a in Actions)
        {
            h.Add(a);
        }

        return h.ToHashCode();
    }
}

/// <summary>OFPIT_APPLY_ACTIONS: apply the actions immediately, in order.</summary>
public sealed record ApplyActions : ActionsInstruction
{
    public ApplyActions(ImmutableArray<OfpAction> actions)
        : base(actions)
    {
    }

    public ApplyActions(params OfpAction[] actions)
        : base([.. actions])
    {
    }

    public override InstructionType Type => InstructionType.ApplyActions;

    internal static ApplyActions ReadBody(ref OfpReader r) => new(ReadActions(ref r));
}

/// <summary>OFPIT_WRITE_ACTIONS: merge the actions into the action set.</summary>
public sealed record WriteActions : ActionsInstruction
{
    public WriteActions(ImmutableArray<OfpAction> actions)
        : base(actions)
    {
    }

    public WriteActions(params OfpAction[] actions)
        : base([.. actions])
    {
    }

    public override InstructionType Type => InstructionType.WriteActions;

    internal static WriteActions ReadBody(ref OfpReader r) => new(ReadActions(ref r));
}

/// <summary>OFPIT_CLEAR_ACTIONS: clear the action set (carries no actions).</summary>
public sealed record ClearActions : ActionsInstruction
{
    public ClearActions()
        : base([])
    {
    }

    public override InstructionType Type => InstructionType.ClearActions;

    internal static ClearActions ReadBody(ref OfpReader r)
    {
        var actions = ReadActions(ref r);
        if (actions.Length != 0)
        {
            throw OfpDecodeException.BadInstruction(Protocol.BadInstructionCode.BadLen, r.Offset, "CLEAR_ACTIONS carries actions");
        }

        return new ClearActions();
    }
}
