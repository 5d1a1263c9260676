return Dashboard.Agent.AgentCommandLine.Run(args);
