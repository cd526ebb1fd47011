using Flotilla.LocalCluster.Common;

namespace Flotilla.LocalCluster.Kubelet;

/// <summary>
/// Hands out the addresses of one node's pod block, as CNI's host-local IPAM does: round-robin from after the last
/// address given (so a freed address is not reused at once), never an address a pod holds, never the block's
/// network address, its first host (the gateway), its broadcast address, or any address ending in .0 or .255.
/// Thread-safe.
/// </summary>
internal sealed class PodIpAllocator(Ipv4Cidr block)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, string> _holders = [];
    private readonly Dictionary<string, uint> _byOwner = new(StringComparer.Ordinal);
    private uint _next = block.First;

    public Ipv4Cidr Block { get; } = block;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _holders.Count;
            }
        }
    }

    /// <summary>The address <paramref name="owner"/> holds, or a new one; false when the block is full.</summary>
    public bool TryAllocate(string owner, out string address)
    {
        lock (_lock)
        {
            if (_byOwner.TryGetValue(owner, out var held))
            {
                address = Ipv4Cidr.Format(held);
                return true;
            }
            for (long i = 0; i < Block.Size; i++)
            {
                var candidate = _next;
                _next = candidate >= Block.Last ? Block.First : candidate + 1;
                if (Usable(candidate) && !_holders.ContainsKey(candidate))
                {
                    _holders[candidate] = owner;
                    _byOwner[owner] = candidate;
                    address = Ipv4Cidr.Format(candidate);
                    return true;
                }
            }
        }
        address = "";
        return false;
    }

    /// <summary>Claims <paramref name="address"/> for <paramref name="owner"/> (a pod that already has it); false when it is not this block's or another holds it.</summary>
    public bool TryReserve(string owner, string address)
    {
        if (!Ipv4Cidr.TryParseAddress(address, out var value) || !Block.Contains(value) || !Usable(value))
        {
            return false;
        }
        lock (_lock)
        {
            if (_holders.TryGetValue(value, out var holder))
            {
                return holder == owner;
            }
            if (_byOwner.TryGetValue(owner, out var previous))
            {
                _holders.Remove(previous);
            }
            _holders[value] = owner;
            _byOwner[owner] = value;
            return true;
        }
    }

    /// <summary>Frees what <paramref name="owner"/> holds.</summary>
    public void Release(string owner)
    {
        lock (_lock)
        {
            if (_byOwner.Remove(owner, out var held))
            {
                _holders.Remove(held);
            }
        }
    }

    private bool Usable(uint address)
    {
        var lastOctet = address & 255;
        return address != Block.First && address != Block.First + 1 && address != Block.Last && lastOctet != 0 && lastOctet != 255;
    }
}
