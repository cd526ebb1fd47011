"""CoreV1Api create/list/patch/delete and a watch.Watch stream, as a Python user writes them.

Run by PythonClientTests with KUBECONFIG set; any failed assertion exits non-zero with a traceback.
"""
import threading

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config()
core = client.CoreV1Api()

core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="py")))
created = core.create_namespaced_config_map(
    "py", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="settings", labels={"app": "py"}), data={"a": "1"}))
assert created.metadata.uid, "the server assigns a uid"
assert created.metadata.resource_version, "the server assigns a resourceVersion"

listed = core.list_namespaced_config_map("py", label_selector="app=py")
assert [c.metadata.name for c in listed.items] == ["settings"], listed.items
assert listed.metadata.resource_version

# A dict body is sent as a strategic merge patch.
patched = core.patch_namespaced_config_map("settings", "py", {"data": {"b": "2"}, "metadata": {"labels": {"extra": "yes"}}})
assert patched.data == {"a": "1", "b": "2"}, patched.data
assert patched.metadata.labels == {"app": "py", "extra": "yes"}, patched.metadata.labels
# A list body is sent as a JSON patch.
patched = core.patch_namespaced_config_map("settings", "py", [{"op": "remove", "path": "/data/a"}])
assert patched.data == {"b": "2"}, patched.data

try:
    core.create_namespaced_config_map("py", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="settings")))
    raise AssertionError("a duplicate create must fail")
except ApiException as e:
    assert e.status == 409, e

# watch.Watch: start from the list's resourceVersion, see a change made afterwards.
start = core.list_namespaced_config_map("py").metadata.resource_version
seen = []

def change_later():
    core.create_namespaced_config_map("py", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="later"), data={"c": "3"}))
    core.delete_namespaced_config_map("later", "py")

stream = watch.Watch()
threading.Timer(0.5, change_later).start()
for event in stream.stream(core.list_namespaced_config_map, "py", resource_version=start, timeout_seconds=20):
    seen.append((event["type"], event["object"].metadata.name))
    if event["type"] == "DELETED":
        stream.stop()
assert seen == [("ADDED", "later"), ("DELETED", "later")], seen

core.delete_namespaced_config_map("settings", "py")
try:
    core.read_namespaced_config_map("settings", "py")
    raise AssertionError("a deleted configmap must be gone")
except ApiException as e:
    assert e.status == 404, e

deployment = client.AppsV1Api().create_namespaced_deployment("py", {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {"selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
assert deployment.spec.replicas == 1, "Deployment defaults apply"
assert deployment.spec.strategy.type == "RollingUpdate"
print("core_v1 ok")
