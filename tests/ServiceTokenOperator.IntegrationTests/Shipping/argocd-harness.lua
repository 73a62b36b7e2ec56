-- Runs an Argo CD resource customization script the way Argo CD does: the resource in the global `obj`, the script's
-- returned value printed as JSON. Usage: lua5.1 argocd-harness.lua SCRIPT.lua OBJECT.json
local cjson = require "cjson"
local file = assert(io.open(arg[2], "r"))
obj = cjson.decode(file:read("*a"))
file:close()
io.write(cjson.encode(dofile(arg[1])))
