"""CustomObjectsApi CRUD on a custom resource, and the dynamic client."""
from kubernetes import client, config, dynamic
from kubernetes.client.rest import ApiException

config.load_kube_config()
api_client = client.ApiClient()
ext = client.ApiextensionsV1Api(api_client)
ext.create_custom_resource_definition({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "gadgets.example.flotilla.io"},
    "spec": {"group": "example.flotilla.io", "scope": "Namespaced",
             "names": {"kind": "Gadget", "plural": "gadgets", "singular": "gadget"},
             "versions": [{"name": "v1", "served": True, "storage": True,
                           "subresources": {"status": {}},
                           "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                               "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
                               "status": {"type": "object", "properties": {"phase": {"type": "string"}}}}}}}]}})

custom = client.CustomObjectsApi(api_client)
group, version, plural = "example.flotilla.io", "v1", "gadgets"
created = custom.create_namespaced_custom_object(group, version, "default", plural, {
    "apiVersion": "example.flotilla.io/v1", "kind": "Gadget", "metadata": {"name": "g1"}, "spec": {"size": 1}})
assert created["metadata"]["generation"] == 1, created

got = custom.get_namespaced_custom_object(group, version, "default", plural, "g1")
assert got["spec"] == {"size": 1}, got
listed = custom.list_namespaced_custom_object(group, version, "default", plural)
assert [i["metadata"]["name"] for i in listed["items"]] == ["g1"], listed

patched = custom.patch_namespaced_custom_object(group, version, "default", plural, "g1", {"spec": {"size": 2}})
assert patched["spec"]["size"] == 2 and patched["metadata"]["generation"] == 2, patched

status = custom.patch_namespaced_custom_object_status(group, version, "default", plural, "g1", {"status": {"phase": "Ready"}, "spec": {"size": 99}})
assert status["status"] == {"phase": "Ready"}, status
assert status["spec"]["size"] == 2, "a status write must not change spec"
assert status["metadata"]["generation"] == 2, "a status write must not bump generation"

# The dynamic client resolves kinds through discovery.
dyn = dynamic.DynamicClient(api_client)
gadgets = dyn.resources.get(api_version="example.flotilla.io/v1", kind="Gadget")
made = gadgets.create(body={"apiVersion": "example.flotilla.io/v1", "kind": "Gadget", "metadata": {"name": "g2"}, "spec": {"size": 5}}, namespace="default")
assert made.metadata.name == "g2"
names = sorted(item.metadata.name for item in gadgets.get(namespace="default").items)
assert names == ["g1", "g2"], names
configmaps = dyn.resources.get(api_version="v1", kind="ConfigMap")
configmaps.create(body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dyn"}, "data": {"k": "v"}}, namespace="default")
assert configmaps.get(name="dyn", namespace="default").data.k == "v"

custom.delete_namespaced_custom_object(group, version, "default", plural, "g1")
try:
    custom.get_namespaced_custom_object(group, version, "default", plural, "g1")
    raise AssertionError("g1 must be gone")
except ApiException as e:
    assert e.status == 404, e
print("custom_objects ok")
