-- Argo CD health of ServiceToken, TokenIssuer and ClusterTokenIssuer (servicetoken.dev). The same script for all three.
-- Healthy: Ready=True, also while Rotating=True (the old token keeps working during the overlap).
-- Degraded: Stalled=True, or Ready=False with a reason a person must act on.
-- Progressing: nothing observed yet (no status, or observedGeneration behind generation), or a reason that may fix itself.
local permanent = {
  InvalidSpec = true, VendorMismatch = true, SecretNotOwned = true, CredentialsSecretMissing = true,
  CredentialsInvalid = true, CredentialRejected = true, PermissionDenied = true, RequestRejected = true,
  InvalidIssuer = true,
}

local function condition(status, kind)
  if status == nil or type(status.conditions) ~= "table" then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function describe(c, fallback)
  local text = c.reason or fallback
  if c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end

local hs = {}
local status = obj.status
if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe this resource"
  return hs
end

local generation = obj.metadata and obj.metadata.generation
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local stalled = condition(status, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled, "Stalled")
  return hs
end

local ready = condition(status, "Ready")
if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
elseif ready.status == "True" then
  hs.status = "Healthy"
  local rotating = condition(status, "Rotating")
  if rotating ~= nil and rotating.status == "True" then
    hs.message = "Ready; rotating: " .. describe(rotating, "Rotating")
  else
    hs.message = describe(ready, "Ready")
  end
elseif ready.status == "False" and ready.reason ~= nil and permanent[ready.reason] then
  hs.status = "Degraded"
  hs.message = describe(ready, "NotReady")
else
  hs.status = "Progressing"
  hs.message = describe(ready, "NotReady")
end
return hs
