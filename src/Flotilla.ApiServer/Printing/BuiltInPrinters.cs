using System.Collections.Frozen;
using static Flotilla.ApiServer.Printing.StandardColumns;

namespace Flotilla.ApiServer.Printing;

/// <summary>
/// The built-in kinds' printers, one table keyed by (group, kind): the columns as upstream's
/// <c>pkg/printers/internalversion</c> declares them (names, types, priorities; descriptions abridged where
/// upstream derives them from field docs) and the function computing the cells. The cell functions live in the
/// partial files next to this one, grouped by API area.
/// </summary>
/// <remarks>
/// Where a field is absent the cells show what upstream shows for the <em>defaulted</em> object (a Deployment
/// without <c>spec.replicas</c> reads 1, a Service without <c>spec.type</c> is ClusterIP), so output matches a real
/// cluster whether or not the registry applied defaults on create.
/// </remarks>
internal static partial class BuiltInPrinters
{
    private static readonly FrozenDictionary<(string Group, string Kind), KindPrinter> Printers =
        new Dictionary<(string Group, string Kind), KindPrinter>
        {
            // core/v1
            [("", "Namespace")] = new([Name, Text("Status", "The status of the namespace"), Age], Namespace),
            [("", "ConfigMap")] = new([Name, Text("Data", "Number of entries in data and binaryData."), Age], ConfigMap),
            [("", "Secret")] = new([Name, Text("Type", "Used to facilitate programmatic handling of secret data."), Text("Data", "Number of entries in data."), Age], Secret),
            [("", "ServiceAccount")] = new([Name, Text("Secrets", "Number of secrets the service account references."), Age], ServiceAccount),
            [("", "Service")] = new(
                [
                    Name,
                    Text("Type", "How the Service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName."),
                    Text("Cluster-IP", "The IP address of the service, usually assigned randomly."),
                    Text("External-IP", "IPs for which nodes or the load balancer accept traffic for this service."),
                    Text("Port(s)", "The ports exposed by this service."),
                    Age,
                    Text("Selector", "Route service traffic to pods with label keys and values matching this selector.", priority: 1),
                ],
                Service),
            [("", "Endpoints")] = new([Name, Text("Endpoints", "The addresses and ports of the endpoints."), Age], Endpoints),
            [("", "Pod")] = new(
                [
                    Name,
                    Text("Ready", "The aggregate readiness state of this pod for accepting traffic."),
                    Text("Status", "The aggregate status of the containers in this pod."),
                    Text("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
                    Age,
                    Text("IP", "IP address allocated to the pod.", priority: 1),
                    Text("Node", "The node the pod is scheduled onto.", priority: 1),
                    Text("Nominated Node", "The node the scheduler nominated for this pod while preempting others.", priority: 1),
                    Text("Readiness Gates", "How many of the pod's readiness gates are true.", priority: 1),
                ],
                Pod,
                PodConditions),
            [("", "Node")] = new(
                [
                    Name,
                    Text("Status", "The status of the node"),
                    Text("Roles", "The roles of the node"),
                    Age,
                    Text("Version", "Kubelet Version reported by the node."),
                    Text("Internal-IP", "The node's internal IP address.", priority: 1),
                    Text("External-IP", "The node's external IP address.", priority: 1),
                    Text("OS-Image", "OS Image reported by the node.", priority: 1),
                    Text("Kernel-Version", "Kernel Version reported by the node.", priority: 1),
                    Text("Container-Runtime", "ContainerRuntime Version reported by the node.", priority: 1),
                ],
                Node),
            [("", "Event")] = EventPrinter(),
            [("events.k8s.io", "Event")] = EventPrinter(),
            [("", "PersistentVolumeClaim")] = new(
                [
                    Name,
                    Text("Status", "The current phase of the claim."),
                    Text("Volume", "The binding reference to the PersistentVolume backing this claim."),
                    Text("Capacity", "The actual resources of the underlying volume."),
                    Text("Access Modes", "The actual access modes the volume backing the PVC has."),
                    Text("StorageClass", "StorageClass of the pvc"),
                    Text("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
                    Age,
                    Text("VolumeMode", "What type of volume is required by the claim.", priority: 1),
                ],
                PersistentVolumeClaim),
            [("", "ResourceQuota")] = new(
                [
                    Name,
                    Age,
                    Text("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
                    Text("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
                ],
                ResourceQuota),
            [("", "LimitRange")] = CreatedAtPrinter(),
            [("", "ReplicationController")] = new(
                [
                    Name,
                    Integer("Desired", "The number of desired replicas."),
                    Integer("Current", "The most recently observed number of replicas."),
                    Integer("Ready", "The number of ready replicas."),
                    Age,
                    Containers,
                    Images,
                    Text("Selector", "Label keys and values that must match pods to be controlled.", priority: 1),
                ],
                ReplicationController),

            // apps/v1
            [("apps", "Deployment")] = new(
                [
                    Name,
                    Text("Ready", "Number of the pod with ready state"),
                    Text("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                    Text("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
                    Age,
                    Containers,
                    Images,
                    Text("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", priority: 1),
                ],
                Deployment),
            [("apps", "ReplicaSet")] = new(
                [
                    Name,
                    Integer("Desired", "Replicas is the number of desired replicas."),
                    Integer("Current", "Replicas is the most recently observed number of replicas."),
                    Integer("Ready", "The number of ready replicas for this replica set."),
                    Age,
                    Containers,
                    Images,
                    Text("Selector", "Selector is a label query over pods that should match the replica count.", priority: 1),
                ],
                ReplicaSet),
            [("apps", "StatefulSet")] = new([Name, Text("Ready", "Number of the pod with ready state"), Age, Containers, Images], StatefulSet),
            [("apps", "DaemonSet")] = new(
                [
                    Name,
                    Integer("Desired", "The total number of nodes that should be running the daemon pod."),
                    Integer("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
                    Integer("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
                    Integer("Up-to-date", "The total number of nodes that are running updated daemon pod."),
                    Integer("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."),
                    Text("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
                    Age,
                    Containers,
                    Images,
                    Text("Selector", "A label query over pods that are managed by the daemon set.", priority: 1),
                ],
                DaemonSet),

            // batch/v1
            [("batch", "Job")] = new(
                [
                    Name,
                    Text("Status", "Status of the job."),
                    Text("Completions", "The number of pods which reached phase Succeeded."),
                    Text("Duration", "Time required to complete the job."),
                    Age,
                    Containers,
                    Images,
                    Text("Selector", "A label query over pods that should match the pod count.", priority: 1),
                ],
                Job),
            [("batch", "CronJob")] = new(
                [
                    Name,
                    Text("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
                    Text("Timezone", "The time zone name for the given schedule."),
                    new TableColumn("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions."),
                    Integer("Active", "A list of pointers to currently running jobs."),
                    Text("Last Schedule", "Information when was the last time the job was successfully scheduled."),
                    Age,
                    Containers,
                    Images,
                    Text("Selector", "A label query over pods that should match the pod count.", priority: 1),
                ],
                CronJob),

            // Other groups
            [("coordination.k8s.io", "Lease")] = new([Name, Text("Holder", "HolderIdentity contains the identity of the holder of a current lease."), Age], Lease),
            [("discovery.k8s.io", "EndpointSlice")] = new(
                [
                    Name,
                    Text("AddressType", "The type of address carried by this EndpointSlice."),
                    Text("Ports", "The network ports exposed by each endpoint in this slice."),
                    Text("Endpoints", "The unique endpoints in this slice."),
                    Age,
                ],
                EndpointSlice),
            [("policy", "PodDisruptionBudget")] = new(
                [
                    Name,
                    Text("Min Available", "The minimum number of pods that must be available."),
                    Text("Max Unavailable", "The maximum number of pods that may be unavailable."),
                    Integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
                    Age,
                ],
                PodDisruptionBudget),
            [("networking.k8s.io", "Ingress")] = new(
                [
                    Name,
                    Text("Class", "The name of the IngressClass resource that should be used for additional configuration"),
                    Text("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
                    Text("Address", "Address is a list containing ingress points for the load-balancer"),
                    Text("Ports", "Ports of TLS configurations that open"),
                    Age,
                ],
                Ingress),
            [("networking.k8s.io", "NetworkPolicy")] = new([Name, Text("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies."), Age], NetworkPolicy),
            [("rbac.authorization.k8s.io", "Role")] = CreatedAtPrinter(),
            [("rbac.authorization.k8s.io", "ClusterRole")] = CreatedAtPrinter(),
            [("rbac.authorization.k8s.io", "RoleBinding")] = BindingPrinter("roleBinding"),
            [("rbac.authorization.k8s.io", "ClusterRoleBinding")] = BindingPrinter("clusterRoleBinding"),
            [("apiextensions.k8s.io", "CustomResourceDefinition")] = CreatedAtPrinter(),
        }.ToFrozenDictionary();

    /// <summary>The printer for a built-in kind, or <c>null</c> when upstream has none we reproduce.</summary>
    public static KindPrinter? Find(string group, string kind) => Printers.GetValueOrDefault((group, kind));

    private static KindPrinter EventPrinter() => new(
        [
            Text("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
            Text("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
            Text("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            Text("Object", "The object that this event is about."),
            Text("Subobject", "The field of the involved object the event is about, e.g. a container.", priority: 1),
            Text("Source", "The component reporting this event.", priority: 1),
            Text("Message", "A human-readable description of the status of this operation."),
            Text("First Seen", "The time at which the event was first recorded.", priority: 1),
            Text("Count", "The number of times this event has occurred.", priority: 1),
            Name with { Priority = 1 },
        ],
        Event);

    // Upstream has no printer for these kinds and uses its default convertor: Name and an RFC 3339 creation time.
    private static KindPrinter CreatedAtPrinter() => new([Name, CreatedAt], (obj, _) => [PrintFormat.Name(obj), PrintFormat.CreatedAt(obj)]);

    private static KindPrinter BindingPrinter(string noun) => new(
        [
            Name,
            Text("Role", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
            Age,
            Text("Users", $"Users in the {noun}", priority: 1),
            Text("Groups", $"Groups in the {noun}", priority: 1),
            Text("ServiceAccounts", $"ServiceAccounts in the {noun}", priority: 1),
        ],
        RoleBinding);

    private static TableColumn Text(string name, string description, int priority = 0) => new(name, "string", description, priority);

    private static TableColumn Integer(string name, string description, int priority = 0) => new(name, "integer", description, priority);
}
