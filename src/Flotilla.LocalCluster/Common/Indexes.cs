using System.Text.Json.Nodes;
using Flotilla.Client.Informers;

namespace Flotilla.LocalCluster.Common;

/// <summary>The informer indexes the controllers share: objects by their controller's uid, pods by node.</summary>
internal static class Indexes
{
    /// <summary>Objects by the uid of their controller owner reference.</summary>
    public const string ControllerUid = "controller-uid";

    /// <summary>Pods by <c>spec.nodeName</c> (unscheduled pods are not indexed).</summary>
    public const string NodeName = "node-name";

    public static void AddControllerUid(SharedInformer<JsonObject> informer) =>
        informer.AddIndex(ControllerUid, static obj => ObjectRefs.ControllerUid(obj) is { Length: > 0 } uid ? [uid] : []);

    public static void AddNodeName(SharedInformer<JsonObject> informer) =>
        informer.AddIndex(NodeName, static pod => Pods.NodeName(pod) is { Length: > 0 } node ? [node] : []);

    /// <summary>The objects in <paramref name="namespace"/> controlled by the object with uid <paramref name="ownerUid"/>.</summary>
    public static List<JsonObject> Owned(Lister<JsonObject> lister, string @namespace, string ownerUid) =>
        ownerUid.Length == 0 ? [] : lister.ByIndex(ControllerUid, ownerUid).Where(o => Flotilla.Api.Unstructured.Obj.Namespace(o) == @namespace).ToList();
}
