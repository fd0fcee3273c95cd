DROP TABLE csrf_token;
