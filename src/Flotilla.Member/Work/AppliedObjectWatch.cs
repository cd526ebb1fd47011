using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.WorkQueue;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Member.Work;

/// <summary>
/// Brings a Work back as soon as an object it applied changes or goes on the member, instead of at its next
/// re-processing (§5.9 backs off to 15 minutes): a Deployment becoming available is reported at once, and an edit made
/// on the member is corrected (or reported) within a moment. One informer per kind the applier has applied; an
/// object's AppliedWork owner references name the Works to look at again.
/// </summary>
/// <remarks>
/// Upstream relies on the re-processing cadence alone. The informers cache every object of the kinds Fleet places,
/// cluster-wide, which is the price of seeing changes without polling.
/// </remarks>
internal sealed class AppliedObjectWatch(SharedInformerFactory memberInformers, string workNamespace, WorkQueue<NamespacedName> queue)
{
    private readonly ConcurrentDictionary<GroupVersionResource, byte> _watched = new();

    /// <summary>Starts watching the kind of <paramref name="mapping"/>, unless already watched.</summary>
    public void Watch(ResourceMapping mapping)
    {
        if (!_watched.TryAdd(mapping.Resource, 0))
        {
            return;
        }
        var informer = memberInformers.For(mapping);
        informer.AddEventHandler(
            onUpdate: (old, current) =>
            {
                // A resync redelivers the same version; only a real change matters.
                if (old.ResourceVersion() != current.ResourceVersion())
                {
                    EnqueueOwners(current);
                }
            },
            onDelete: deleted => EnqueueOwners(deleted.Object));
        informer.Start();
    }

    private void EnqueueOwners(JsonObject obj)
    {
        foreach (var owner in AppliedWorkOwner.OwnerReferences(obj).Where(AppliedWorkOwner.IsAppliedWorkReference))
        {
            if (owner.GetString("name") is { Length: > 0 } name)
            {
                // An AppliedWork is named after its Work.
                queue.Add(new NamespacedName(workNamespace, name));
            }
        }
    }
}
