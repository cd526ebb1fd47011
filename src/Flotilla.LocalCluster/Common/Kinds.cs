using Flotilla.Client;

namespace Flotilla.LocalCluster.Common;

/// <summary>
/// The built-in resources the local cluster runtime reads and writes. They are stable core and apps kinds, so they
/// are stated rather than discovered: every conformant API server serves them at these paths.
/// </summary>
internal static class Kinds
{
    public static readonly ResourceMapping Nodes = new("", "v1", "nodes", "Node", namespaced: false);
    public static readonly ResourceMapping Pods = new("", "v1", "pods", "Pod", namespaced: true);
    public static readonly ResourceMapping Services = new("", "v1", "services", "Service", namespaced: true);
    public static readonly ResourceMapping Endpoints = new("", "v1", "endpoints", "Endpoints", namespaced: true);
    public static readonly ResourceMapping Deployments = new("apps", "v1", "deployments", "Deployment", namespaced: true);
    public static readonly ResourceMapping ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet", namespaced: true);
    public static readonly ResourceMapping StatefulSets = new("apps", "v1", "statefulsets", "StatefulSet", namespaced: true);
    public static readonly ResourceMapping DaemonSets = new("apps", "v1", "daemonsets", "DaemonSet", namespaced: true);
    public static readonly ResourceMapping Jobs = new("batch", "v1", "jobs", "Job", namespaced: true);
    public static readonly ResourceMapping EndpointSlices = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", namespaced: true);
    public static readonly ResourceMapping Leases = new("coordination.k8s.io", "v1", "leases", "Lease", namespaced: true);
}
