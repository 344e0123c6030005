using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Controller.Switches;

/// <summary>
/// The session's role in a controller cluster: the ROLE_REQUEST of the handshake and later ones, the
/// switch's ONFT_ROLE_STATUS, and the write gate. Without an <see cref="IRoleArbiter"/> (one controller)
/// the handshake asks for master and every write goes out, as before.
/// </summary>
internal sealed partial class SwitchSession
{
    private ControllerRole _role = ControllerRole.Equal;
    private ulong _generation;

    /// <summary>The generation id of the last role the switch granted (0 before any).</summary>
    public ulong GenerationId => Volatile.Read(ref _generation);

    private IRoleArbiter? Arbiter => _registry.RoleArbiter;

    private RoleRequest HandshakeRoleRequest(uint xid)
    {
        if (Arbiter is not { } arbiter)
        {
            return new RoleRequest { Xid = xid, Role = ControllerRole.Master, GenerationId = RoleGeneration.Next() };
        }

        var (role, generation) = arbiter.RoleFor(DatapathId);
        return new RoleRequest { Xid = xid, Role = role, GenerationId = generation };
    }

    /// <summary>
    /// Asks the switch for <paramref name="role"/>. A refusal as stale (another controller has a higher
    /// generation id) leaves this session a slave locally: the switch already demoted it.
    /// </summary>
    public async Task<ControllerRole> ChangeRoleAsync(ControllerRole role, ulong generationId, CancellationToken cancellationToken = default)
    {
        try
        {
            var reply = await RequestAsync<RoleReply>(new RoleRequest { Role = role, GenerationId = generationId }, cancellationToken).ConfigureAwait(false);
            SetRole(reply.Role, reply.GenerationId);
            return reply.Role;
        }
        catch (OpenFlowErrorException e) when (e.Error.ErrorType == ErrorType.RoleRequestFailed)
        {
            SetRole(ControllerRole.Slave, GenerationId);
            throw;
        }
    }

    private void SetRole(ControllerRole role, ulong generation)
    {
        Volatile.Write(ref _generation, generation);
        if (_role == role)
        {
            return;
        }

        _role = role;
        if (_published && _phase == Phase.Ready)
        {
            _registry.Publish(new SwitchRoleChanged(this, role, generation));
        }
    }

    private void OnRoleStatus(RoleStatus status) => SetRole(status.Role, status.GenerationId);

    /// <summary>OFPBRC_IS_SLAVE and OFPRRFC_STALE are counted as refused writes.</summary>
    private void CountRoleRefusal(ErrorMessage err)
    {
        if ((err.ErrorType == ErrorType.BadRequest && err.Code == (ushort)BadRequestCode.IsSlave) || err.ErrorType == ErrorType.RoleRequestFailed)
        {
            Arbiter?.WriteRefused(DatapathId, err);
        }
    }

    /// <summary>True when <paramref name="m"/> may go to the switch now; a suppressed write is counted.</summary>
    private bool MayWrite(OfpMessage m) => MayWrite(m.Type);

    private bool MayWrite(OfpType type)
    {
        if (Arbiter is not { } arbiter || !IsStateChanging(type))
        {
            return true;
        }

        if (_role == ControllerRole.Master && arbiter.MayWrite(DatapathId))
        {
            return true;
        }

        arbiter.WriteSuppressed(DatapathId, type);
        return false;
    }

    /// <summary>Throws before anything of the batch is written when one of its messages may not be.</summary>
    private void EnsureMayWrite(IReadOnlyList<OfpMessage> messages)
    {
        if (Arbiter is null)
        {
            return;
        }

        if (MayWriteAll(messages))
        {
            return;
        }

        var arbiter = Arbiter!;
        for (var i = 0; i < messages.Count; i++)
        {
            if (IsStateChanging(messages[i].Type))
            {
                arbiter.WriteSuppressed(DatapathId, messages[i].Type);
            }
        }

        throw new SwitchNotMasterException($"not master of switch {DatapathId}: a batch of {messages.Count} messages was not sent");
    }

    private bool MayWriteAll(IReadOnlyList<OfpMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (IsStateChanging(messages[i].Type))
            {
                return _role == ControllerRole.Master && Arbiter!.MayWrite(DatapathId);
            }
        }

        return true;
    }

    private static bool IsStateChanging(OfpType type) =>
        type is OfpType.FlowMod or OfpType.GroupMod or OfpType.PacketOut or OfpType.PortMod or OfpType.TableMod or OfpType.MeterMod;
}
