"""Operations on live calls and agents over HTTP: the agent console's and supervisors' API."""
