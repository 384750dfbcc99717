import './audit.tables.js';

export {
  recordAudit,
  actorFromRequest,
  cliActor,
  systemActor,
  SYSTEM_CHAIN,
  type ActorContext,
  type ActorType,
  type AuditEntry,
} from './audit.service.js';
export { verifyAuditChain, type AuditVerification } from './audit.verify.js';
export { auditRoutes } from './audit.routes.js';
