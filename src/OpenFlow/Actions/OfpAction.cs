using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Actions;

/// <summary>
/// Base of every action (<c>struct ofp_action_header</c>: type(2) | len(2) | body, len a multiple of 8).
/// <see cref="Write"/> writes the whole TLV; <see cref="Read"/> decodes one TLV inside a slice of its
/// declared length and requires the body to consume it.
/// </summary>
public abstract record OfpAction
{
    public abstract ActionType Type { get; }

    public abstract void Write(ref OfpWriter w);

    /// <summary>Reads one action.</summary>
    public static OfpAction Read(ref OfpReader r)
    {
        var at = r.Offset;
        var type = (ActionType)r.PeekUInt16();
        var len = r.PeekTlvLength(2, 8, ErrorType.BadAction, (ushort)BadActionCode.BadLen);
        if (len % 8 != 0)
        {
            throw OfpDecodeException.BadAction(BadActionCode.BadLen, at, $"action length {len} is not a multiple of 8");
        }

        var a = r.Slice(len);
        a.Skip(4);
        OfpAction action = type switch
        {
            ActionType.Output => OutputAction.ReadBody(ref a),
            ActionType.CopyTtlOut => CopyTtlOutAction.ReadBody(ref a),
            ActionType.CopyTtlIn => CopyTtlInAction.ReadBody(ref a),
            ActionType.SetMplsTtl => SetMplsTtlAction.ReadBody(ref a),
            ActionType.DecMplsTtl => DecMplsTtlAction.ReadBody(ref a),
            ActionType.PushMpls => PushMplsAction.ReadBody(ref a),
            ActionType.PopMpls => PopMplsAction.ReadBody(ref a),
            ActionType.SetQueue => SetQueueAction.ReadBody(ref a),
            ActionType.SetNwTtl => SetNwTtlAction.ReadBody(ref a),
            ActionType.DecNwTtl => DecNwTtlAction.ReadBody(ref a),
            ActionType.PushPbb => PushPbbAction.ReadBody(ref a),
            ActionType.PopPbb => PopPbbAction.ReadBody(ref a),
            ActionType.PushVlan => PushVlanAction.ReadBody(ref a),
            ActionType.PopVlan => PopVlanAction.ReadBody(ref a),
            ActionType.Group => GroupAction.ReadBody(ref a),
            ActionType.SetField => SetFieldAction.ReadBody(ref a),
            ActionType.Experimenter => ExperimenterAction.ReadBody(ref a),
            _ => throw OfpDecodeException.BadAction(BadActionCode.BadType, at, $"unknown action type {(ushort)type}"),
        };
        return action;
    }

    /// <summary>Reads actions until the reader is empty.</summary>
    public static ImmutableArray<OfpAction> ReadList(ref OfpReader r)
    {
        var list = ImmutableArray.CreateBuilder<OfpAction>();
        while (!r.IsEmpty)
        {
            list.Add(Read(ref r));
        }

        return list.ToImmutable();
    }

    public static void WriteList(ref OfpWriter w, ImmutableArray<OfpAction> actions)
    {
        foreach (var a in actions)
        {
            a.Write(ref w);
        }
    }

    /// <summary>Writes type and a reserved length; returns the start for <see cref="EndTlv"/>.</summary>
    protected static int BeginTlv(ref OfpWriter w, ActionType type, out int lengthAt)
    {
        var start = w.Position;
        w.WriteUInt16((ushort)type);
        lengthAt = w.ReserveUInt16();
        return start;
    }

    /// <summary>Pads to 8 and patches the length.</summary>
    protected static void EndTlv(ref OfpWriter w, int start, int lengthAt)
    {
        w.Pad8(start);
        w.PatchLength(lengthAt, start);
    }
}
