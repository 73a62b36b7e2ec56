-- Sets servicetoken.dev/rotate to the current time; the operator rotates once for each new value.
if obj.metadata == nil then
  obj.metadata = {}
end
if obj.metadata.annotations == nil then
  obj.metadata.annotations = {}
end
obj.metadata.annotations["servicetoken.dev/rotate"] = os.date("!%Y-%m-%dT%H:%M:%SZ")
return obj
