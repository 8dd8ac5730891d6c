import { AgentListResponse, GrantListResponse, GrantResponse, PairingCodeResponse, type AgentView, type GrantView } from '@roomcast/shared';
import { apiRequest, checked } from '../api/http';

export const listAgents = async (): Promise<AgentView[]> => (await checked(AgentListResponse, apiRequest('GET', '/api/library/agents'))).agents;
export const newPairingCode = () => checked(PairingCodeResponse, apiRequest('POST', '/api/library/pairing-codes'));

const grantsPath = (agentId: string) => `/api/library/agents/${encodeURIComponent(agentId)}/grants`;
/** The owner's view of who may use an agent, and the two changes they can make. */
export const listGrants = async (agentId: string): Promise<GrantView[]> => (await checked(GrantListResponse, apiRequest('GET', grantsPath(agentId)))).grants;
export const addGrant = async (agentId: string, email: string): Promise<GrantView> => (await checked(GrantResponse, apiRequest('POST', grantsPath(agentId), { email }))).grant;
export const revokeGrant = (agentId: string, userId: string): Promise<unknown> => apiRequest('DELETE', `${grantsPath(agentId)}/${encodeURIComponent(userId)}`);
