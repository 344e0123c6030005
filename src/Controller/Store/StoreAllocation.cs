using System.Globalization;

namespace Controller.Store;

/// <summary>
/// What the store hands out itself: segment ids (lowest free in 1..16777215), per-host local VLANs (lowest free
/// in 1..4094, kept in a per-host bitmap) and free host names. Every choice is made on the state a write
/// started from; the backend's commit then guarantees that no other write changed that state meanwhile
/// (LiteDB: one writer; etcd: compare on the store revision), so two controllers never hand out the same value.
/// </summary>
internal static class StoreAllocation
{
    /// <summary>The lowest segment id no network holds: a binary search over the sorted ids, O(log² n).</summary>
    public static uint LowestFreeSegment(StoreState state)
    {
        // Ids are unique and >= 1, so segments[i] >= i + 1, with equality exactly up to the first gap.
        var segments = state.Indexes.Segments;
        int lo = 0, hi = segments.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (segments[mid] == mid + 1)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        var free = (uint)lo + 1;
        return free <= TenantStore.MaxSegmentId ? free : throw new SegmentPoolExhaustedException();
    }

    /// <summary>
    /// The (host, network) local VLAN binding, allocating the host's lowest free VLAN when there is none yet.
    /// Returns whether it was created by this call.
    /// </summary>
    public static (LocalVlanDocument Binding, bool Created) BindVlan(StoreTransaction tx, string hostId, string networkId)
    {
        var key = LocalVlanDocument.KeyOf(hostId, networkId);
        if (tx.State.LocalVlans.TryGetValue(key, out var existing))
        {
            return (existing, false);
        }

        var pool = tx.State.VlanPools.TryGetValue(hostId, out var p)
            ? StoreState.Copy(p)
            : new VlanPoolDocument { Id = hostId, Bits = new byte[VlanPool.Size] };
        var vlan = VlanPool.Allocate(pool.Bits) ?? throw new VlanPoolExhaustedException(hostId);
        tx.Put(StoreCollection.VlanPools, hostId, pool);
        var binding = new LocalVlanDocument { Id = key, HostId = hostId, NetworkId = networkId, Vlan = vlan };
        tx.Put(StoreCollection.LocalVlans, key, binding);
        return (binding, true);
    }

    /// <summary>Drops the (host, network) binding and frees its VLAN in the host's bitmap; false when there was none.</summary>
    public static bool UnbindVlan(StoreTransaction tx, string hostId, string networkId)
    {
        var key = LocalVlanDocument.KeyOf(hostId, networkId);
        if (!tx.State.LocalVlans.TryGetValue(key, out var binding))
        {
            return false;
        }

        tx.Delete(StoreCollection.LocalVlans, key);
        if (tx.State.VlanPools.TryGetValue(hostId, out var p))
        {
            var pool = StoreState.Copy(p);
            VlanPool.Free(pool.Bits, binding.Vlan);
            tx.Put(StoreCollection.VlanPools, hostId, pool);
        }

        return true;
    }

    /// <summary><paramref name="wanted"/>, or it suffixed -2, -3, ... (cut to fit) when another host has it.</summary>
    public static string FreeHostName(StoreState state, string wanted)
    {
        var max = TenantStore.MaxNameLength;
        var baseName = wanted.Length > max ? wanted[..max] : wanted;
        var name = baseName;
        for (var n = 2; state.Indexes.HostByName.ContainsKey(name); n++)
        {
            var suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
            name = (baseName.Length + suffix.Length > max ? baseName[..(max - suffix.Length)] : baseName) + suffix;
        }

        return name;
    }
}
