-- Argo CD resource actions of a ServiceToken: "rotate" issues a new revision now (the old token stays valid for the overlap).
local actions = {}
actions["rotate"] = {["disabled"] = obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil}
return actions
